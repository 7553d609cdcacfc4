from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.connections import disconnect
from domain.fields import INT64_MAX
from domain.principal import ACCOUNT
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.errors import not_found, validation_error
from handlers.http.responses import no_content
from runtime import calls

ENDPOINT = Endpoint(
    method="DELETE",
    paths=("/api/auth/connections/{connection_id}",),
    summary="Disconnect an app: every token of the connection stops working at once, on every worker",
    operation_id="disconnect",
    tag="auth",
    scope=ACCOUNT,
    status=204,
    errors=(403, 404, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    await calls.write(request, disconnect, principal, connection_id_from_path(request))
    return no_content()


def connection_id_from_path(request: Request) -> int:
    raw = request.path_params["connection_id"]
    if not raw.isascii() or not raw.isdigit():
        raise validation_error(("path", "connection_id"), "Input should be a valid integer", "int_parsing")
    if not 1 <= int(raw) <= INT64_MAX:
        raise not_found("Connection not found")
    return int(raw)
