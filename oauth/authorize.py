"""GET /authorize: an authorization request (RFC 6749 4.1.1, PKCE S256). An unknown client or a
redirect URI not its own gets a 400 page and no redirect; other problems go back to the client
as `error`, with `state` and `iss`; a request the rules accept gets the sign-in and consent page,
and the browser a key for the page's form (oauth/csrf.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.authorization_requests import (
    AuthorizationRequest,
    Query,
    asked_client_id,
    authorization_request,
    given_state,
    redirect_target,
)
from domain.errors import ClientRefused, OAuthRefusal
from oauth import csrf
from oauth.answers import back_to_client
from oauth.clients import client_for
from oauth.consent_page import consent_page, refused_page
from oauth.forms import query
from runtime.public_base import own_resources, public_base
from runtime.services import services_of

CANNOT_CONNECT = "This app cannot connect"


async def handle(request: Request) -> Response:
    issuer = public_base(request)
    asked = await read_request(request, query(request), issuer)
    if isinstance(asked, Response):
        return asked
    key = csrf.browser_key(request) or csrf.new_key()
    response = consent_page(asked, issuer, csrf.form_token(key, services_of(request).settings.jwt_secret))
    csrf.keep_key(response, key, secure=issuer.startswith("https://"))
    return response


async def read_request(request: Request, params: Query, issuer: str) -> AuthorizationRequest | Response:
    """The authorization request `params` make, or the answer to a refused one: the 400 page
    when the client or its redirect URI cannot be trusted, else a redirect with the error. For
    the page and for its form (oauth/consent.py), which carries the request again."""
    try:
        client = await client_for(request, asked_client_id(params))
        redirect_uri = redirect_target(client, params)
    except ClientRefused as refusal:
        return refused_page(CANNOT_CONNECT, refusal.message, 400)
    assert client is not None  # redirect_target refuses a missing client
    try:
        return authorization_request(client, redirect_uri, params, own_resources(issuer))
    except OAuthRefusal as refusal:
        error = {"error": refusal.error, "error_description": refusal.message}
        return back_to_client(redirect_uri, issuer, given_state(params), **error)
