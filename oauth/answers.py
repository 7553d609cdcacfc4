"""The door's answers in the protocol's shapes (RFC 6749 5.1, 5.2, 4.1.2; RFC 7591 3.2), made
of the `mcp` SDK's models: a refusal as `{error, error_description}`, a token answer, and the
redirect that hands a code or an error back to the client with `state` and `iss` (RFC 9207)."""

from __future__ import annotations

from mcp.server.auth.json_response import PydanticJSONResponse
from mcp.server.auth.provider import construct_redirect_uri
from mcp.shared.auth import OAuthToken
from pydantic import BaseModel
from starlette.responses import RedirectResponse, Response

from domain.errors import OAuthRefusal, TooManyAttempts, Unavailable
from domain.oauth_grants import IssuedTokens

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class ErrorAnswer(BaseModel):
    """RFC 6749 5.2's shape, for every endpoint's refusal (the SDK has one model per endpoint,
    each naming only that endpoint's codes, and its revocation model says unauthorized_client
    where RFC 6749 says invalid_client)."""

    error: str
    error_description: str | None = None


def refused(refusal: OAuthRefusal) -> Response:
    """400, or 401 with a Basic challenge for a client that failed to authenticate (RFC 6749
    5.2: a client may have sent its credentials as HTTP Basic)."""
    body = ErrorAnswer(error=refusal.error, error_description=refusal.message)
    if refusal.error == "invalid_client":
        return PydanticJSONResponse(body, 401, {**NO_STORE, "WWW-Authenticate": 'Basic realm="todo-api"'})
    return PydanticJSONResponse(body, 400, NO_STORE)


def too_many(refusal: TooManyAttempts) -> Response:
    body = ErrorAnswer(error="rate_limited", error_description=refusal.message)
    return PydanticJSONResponse(body, 429, {**NO_STORE, "Retry-After": str(refusal.retry_after)})


def unavailable(refusal: Unavailable) -> Response:
    body = ErrorAnswer(error="temporarily_unavailable", error_description=refusal.message)
    return PydanticJSONResponse(body, 503, {**NO_STORE, "Retry-After": "5"})


def tokens(issued: IssuedTokens) -> Response:
    answer = OAuthToken(
        access_token=issued.access_token,
        token_type="Bearer",  # noqa: S106 (a token type, not a password)
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        scope=" ".join(issued.scopes),
    )
    return PydanticJSONResponse(answer, 200, NO_STORE)


def back_to_client(redirect_uri: str, issuer: str, state: str | None, **answer: str) -> Response:
    """302 to the client's redirect URI with `answer` (a code, or an error), `state` and `iss`."""
    location = construct_redirect_uri(redirect_uri, **answer, state=state, iss=issuer)
    return RedirectResponse(location, 302, headers={"Cache-Control": "no-store"})
