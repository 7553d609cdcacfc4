"""POST /revoke: token revocation (RFC 7009). The client authenticates as at the token endpoint;
an access token of its own stops working, a refresh token of its own ends its connection; any
other token changes nothing. 200 either way."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.oauth_clients import authenticate_client
from domain.oauth_grants import revoke
from oauth.answers import NO_STORE
from oauth.clients import credentials
from oauth.forms import form, required
from runtime import calls


async def handle(request: Request) -> Response:
    posted = await form(request)
    client_id, secret = credentials(request, posted)
    client = await calls.read(request, authenticate_client, client_id, secret)
    await calls.write(request, revoke, client, required(posted, "token"))
    return Response(status_code=200, headers=NO_STORE)
