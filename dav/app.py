"""The CalDAV door's ASGI app, mounted at /dav (router.py) through dav/door.py.

Each request: what its path names (dav/paths.py), OPTIONS answered at once, then who calls
(dav/auth.py; another user's paths are 404, as a resource that is not there), a write needs
`tasks:write`, its body is read, then the method's module, in one of the worker's places
(dav/door.py: a slow client's body holds none). A refusal, the door's own (`DavError`) or the
domain's (`dav_error`, the one mapping), becomes its CalDAV answer here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from dav import delete, get, mkcalendar, options, propfind, proppatch, put, report
from dav.auth import authenticate
from dav.call import DavCall, read_body
from dav.door import dav_state
from dav.errors import DavError, dav_error
from dav.paths import Kind, target_of
from domain.errors import DomainError
from domain.principal import TASKS_WRITE, require_scope

Method = Callable[[DavCall], Awaitable[Response]]
METHODS: dict[str, Method] = {
    "GET": get.handle,
    "HEAD": get.handle,
    "PROPFIND": propfind.handle,
    "REPORT": report.handle,
    "PUT": put.handle,
    "DELETE": delete.handle,
    "PROPPATCH": proppatch.handle,
    "MKCALENDAR": mkcalendar.handle,
    "MKCOL": mkcalendar.handle,
}
WRITES = frozenset(("PUT", "DELETE", "PROPPATCH", "MKCALENDAR", "MKCOL"))


class DavApp:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await answer(request)
        except DavError as refusal:
            response = refusal.response()
        await response(scope, receive, send)


async def answer(request: Request) -> Response:
    target = target_of(raw_path(request))
    if request.method == "OPTIONS":
        return options.handle()
    method = METHODS.get(request.method)
    if method is None:
        raise DavError(405, f"{request.method} is not supported here", headers={"Allow": options.ALLOWED})
    try:
        principal = await authenticate(request)
    except DomainError as error:
        raise dav_error(error, None) from None
    if target.kind is Kind.NOTHING or (target.user_id is not None and target.user_id != principal.subject):
        raise DavError(404, "Nothing is here")
    try:
        if request.method in WRITES:
            require_scope(principal, TASKS_WRITE)
        call = DavCall(request, principal, target, await read_body(request))
        async with dav_state(request).places:
            return await method(call)
    except DomainError as error:
        raise dav_error(error, principal.subject) from None


def raw_path(request: Request) -> str:
    """The path as sent (segments still percent-encoded: a name holding %2F stays one)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else quote(request.url.path)
    return path.split("?", 1)[0]


app = DavApp()
