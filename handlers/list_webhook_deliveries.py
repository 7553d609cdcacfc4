from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_READ
from domain.webhooks import list_attempts
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.webhooks import AttemptOut, attempt_json, webhook_id_from_path
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/webhooks/{webhook_id}/deliveries",),
    summary="A webhook's last 100 delivery attempts, newest first",
    operation_id="list_webhook_deliveries",
    tag="events",
    scope=TASKS_READ,
    response=list[AttemptOut],
    errors=(403, 404, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    attempts = await calls.read(request, list_attempts, principal, webhook_id_from_path(request))
    return json_response([attempt_json(attempt) for attempt in attempts])
