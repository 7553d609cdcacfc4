from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.connections import list_connections
from domain.principal import ACCOUNT
from handlers.http.auth import authenticate
from handlers.http.connections import ConnectionOut, connection_json
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/auth/connections",),
    summary="The apps connected to the account with OAuth (never their tokens)",
    operation_id="list_connections",
    tag="auth",
    scope=ACCOUNT,
    response=list[ConnectionOut],
    errors=(403,),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    rows = await calls.read(request, list_connections, principal)
    return json_response([connection_json(row) for row in rows])
