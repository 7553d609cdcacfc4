"""A request header read straight from the ASGI scope.

Every request reads a few (Authorization, Host, If-None-Match): a scan of the scope's header
list costs a fraction of a lookup in Starlette's `Headers` mapping (which lower-cases and
encodes the name, then scans the same list), on the paths where the service spends the least.
"""

from __future__ import annotations

from starlette.requests import Request


def header(request: Request, name: bytes) -> str | None:
    """The first value of header `name` (lower case, as ASGI gives names), or None."""
    for key, value in request.scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None
