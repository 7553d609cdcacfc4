"""The door's input: a query string or an `application/x-www-form-urlencoded` body, as each
parameter's values in order (OAuth refuses a parameter given twice, so all are kept)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from domain.authorization_requests import Query
from domain.errors import OAuthRefusal
from runtime.request_body import BodyRefused, read_limited
from runtime.services import services_of

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def parameters(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        found.setdefault(name, []).append(value)
    return found


def query(request: Request) -> Query:
    return parameters(request.url.query)


async def form(request: Request) -> dict[str, list[str]]:
    """The form's parameters; invalid_request for another media type, a body over
    MAX_BODY_BYTES, or one that is not UTF-8."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_MEDIA_TYPE:
        raise OAuthRefusal("invalid_request", f"The body must be {FORM_MEDIA_TYPE}")
    try:
        return parameters((await body(request, "invalid_request")).decode("utf-8"))
    except UnicodeDecodeError:
        raise OAuthRefusal("invalid_request", "The body is not UTF-8") from None


async def body(request: Request, error: str) -> bytes:
    """The request's body; OAuthRefusal(`error`) past MAX_BODY_BYTES, read no further."""
    try:
        return await read_limited(request, services_of(request).settings.max_body_bytes)
    except BodyRefused as refused:
        raise OAuthRefusal(error, refused.message) from None


def single(values: Query, name: str) -> str | None:
    """The one value of `name`, or None when it is absent; invalid_request when given twice."""
    found = values.get(name, ())
    if len(found) > 1:
        raise OAuthRefusal("invalid_request", f"{name} is given more than once")
    return found[0] if found else None


def required(values: Query, name: str) -> str:
    value = single(values, name)
    if not value:
        raise OAuthRefusal("invalid_request", f"{name} is missing")
    return value
