from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.access_tokens import list_tokens
from domain.principal import ACCOUNT
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.tokens import AccessTokenOut, access_token_json
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/auth/tokens",),
    summary="The caller's personal access tokens (never the tokens themselves)",
    operation_id="list_tokens",
    tag="auth",
    scope=ACCOUNT,
    response=list[AccessTokenOut],
    errors=(403,),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    rows = await calls.read(request, list_tokens, principal)
    return json_response([access_token_json(row) for row in rows])
