"""The OAuth door's router (built by oauth/door.py on first use), and its one mapping of
refusals to answers: the protocol's JSON for the endpoints clients call, the page for the ones
a person sees (oauth/authorize.py and consent.py answer those themselves)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from domain.errors import OAuthRefusal, TooManyAttempts, Unavailable
from oauth import authorize, consent, metadata, register, revoke, token
from oauth.answers import refused, too_many, unavailable
from oauth.door import AUTHORIZE_PATH, CONSENT_PATH, PATHS

Handler = Callable[[Request], Awaitable[Response]]

HANDLERS: dict[str, Handler] = {
    "/.well-known/oauth-protected-resource/mcp": metadata.protected_resource,
    "/.well-known/oauth-protected-resource": metadata.protected_resource,
    "/.well-known/oauth-authorization-server": metadata.authorization_server,
    "/register": register.handle,
    AUTHORIZE_PATH: authorize.handle,
    CONSENT_PATH: consent.handle,
    "/token": token.handle,
    "/revoke": revoke.handle,
}


def answering(handler: Handler) -> Handler:
    """`handler` with the door's refusals answered in the protocol's shape (RFC 6749 5.2)."""

    async def answer(request: Request) -> Response:
        try:
            return await handler(request)
        except OAuthRefusal as refusal:
            return refused(refusal)
        except TooManyAttempts as refusal:
            return too_many(refusal)
        except Unavailable as refusal:
            return unavailable(refusal)

    return answer


def router() -> Router:
    assert set(HANDLERS) == set(PATHS), "every path of the door has its handler"
    return Router([Route(path, answering(HANDLERS[path]), methods=PATHS[path]) for path in PATHS])
