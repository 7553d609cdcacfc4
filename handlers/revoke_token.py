from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.access_tokens import revoke_token
from domain.fields import INT64_MAX
from domain.principal import ACCOUNT
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.errors import not_found, validation_error
from handlers.http.responses import no_content
from runtime import calls

ENDPOINT = Endpoint(
    method="DELETE",
    paths=("/api/auth/tokens/{token_id}",),
    summary="Revoke a personal access token: it stops working at once, on every worker",
    operation_id="revoke_token",
    tag="auth",
    scope=ACCOUNT,
    status=204,
    errors=(403, 404, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    await calls.write(request, revoke_token, principal, token_id_from_path(request))
    return no_content()


def token_id_from_path(request: Request) -> int:
    raw = request.path_params["token_id"]
    if not raw.isascii() or not raw.isdigit():
        raise validation_error(("path", "token_id"), "Input should be a valid integer", "int_parsing")
    if not 1 <= int(raw) <= INT64_MAX:
        raise not_found("Access token not found")
    return int(raw)
