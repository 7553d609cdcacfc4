from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.access_tokens import AccessTokenOut, access_token_json
from handlers.common.auth import authenticate
from handlers.common.crud.tokens import list_tokens
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.tokens import ACCOUNT

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
    rows = await db.read(request, list_tokens, principal)
    return json_response([access_token_json(row) for row in rows])
