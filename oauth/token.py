"""POST /token: the `authorization_code` grant (PKCE S256) and the `refresh_token` grant, with
rotation. Form-encoded; answered with `Cache-Control: no-store`. A confidential client
authenticates as it registered (401 `invalid_client`). A code used twice, or a refresh token
used after its rotation, revokes the whole connection it made (GrantReplayed)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.authorization_requests import requested_scopes
from domain.connections import revoke_connection
from domain.errors import GrantReplayed, OAuthRefusal
from domain.oauth_clients import authenticate_client
from domain.oauth_grants import IssuedTokens, Lifetimes, redeem_code, refresh
from models import OAuthClient
from oauth.answers import tokens
from oauth.clients import credentials
from oauth.forms import form, required, single
from runtime import calls
from runtime.public_base import own_resources, public_base
from runtime.services import services_of


async def handle(request: Request) -> Response:
    posted = await form(request)
    client_id, secret = credentials(request, posted)
    client = await calls.read(request, authenticate_client, client_id, secret)
    grant_type = required(posted, "grant_type")
    check_resource(request, posted)
    lifetimes = Lifetimes.of(services_of(request).settings)
    try:
        if grant_type == "authorization_code":
            issued = await redeem(request, client, posted, lifetimes)
        elif grant_type == "refresh_token":
            issued = await rotate(request, client, posted, lifetimes)
        else:
            raise OAuthRefusal(
                "unsupported_grant_type", "Only authorization_code and refresh_token are supported"
            )
    except GrantReplayed as replay:
        if replay.connection_id is not None:
            await calls.write(request, revoke_connection, replay.connection_id)
        raise
    return tokens(issued)


async def redeem(
    request: Request, client: OAuthClient, posted: dict[str, list[str]], lifetimes: Lifetimes
) -> IssuedTokens:
    code, redirect_uri = required(posted, "code"), required(posted, "redirect_uri")
    verifier = required(posted, "code_verifier")
    return await calls.write(request, redeem_code, client, code, redirect_uri, verifier, lifetimes)


async def rotate(
    request: Request, client: OAuthClient, posted: dict[str, list[str]], lifetimes: Lifetimes
) -> IssuedTokens:
    refresh_token = required(posted, "refresh_token")
    scope = single(posted, "scope")
    scopes = requested_scopes({"scope": [scope]}) if scope else None
    return await calls.write(request, refresh, client, refresh_token, scopes, lifetimes)


def check_resource(request: Request, posted: dict[str, list[str]]) -> None:
    """RFC 8707: a `resource` must name this service's /mcp (or the service)."""
    resources = own_resources(public_base(request))
    if any(resource not in resources for resource in posted.get("resource", [])):
        raise OAuthRefusal("invalid_target", "resource names another service than this one")
