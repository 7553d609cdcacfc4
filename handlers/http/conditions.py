"""The conditional request headers of a request (If-Match, If-None-Match) and the 304 answer;
what they mean is domain/versions.py's."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.versions import Condition, parse_condition
from runtime.headers import header


def if_match(request: Request) -> Condition | None:
    return parse_condition(header(request, b"if-match"))


def if_none_match(request: Request) -> Condition | None:
    return parse_condition(header(request, b"if-none-match"))


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})
