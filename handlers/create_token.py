from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.access_tokens import create_token
from domain.principal import ACCOUNT
from domain.schemas import TokenCreate
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.tokens import CreatedTokenOut, access_token_json
from handlers.http.users import NO_STORE
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/auth/tokens",),
    summary="Create a personal access token (for scripts and AI agents); shown once",
    operation_id="create_token",
    tag="auth",
    scope=ACCOUNT,
    status=201,
    response=CreatedTokenOut,
    body=TokenCreate,
    errors=(400, 403, 409, 413, 415, 422),
    description=(
        "Needs a login token: a personal token cannot make tokens (403 insufficient_scope). "
        "Takes no Idempotency-Key: its answer holds the token, which is kept nowhere."
    ),
    replayable=False,
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    form = await parse_body(request, TokenCreate, services_of(request).settings.max_body_bytes)
    row, token = await calls.write(request, create_token, principal, form)
    return json_response({**access_token_json(row), "token": token}, status=201, headers=NO_STORE)
