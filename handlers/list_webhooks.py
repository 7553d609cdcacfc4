from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_READ
from domain.webhooks import list_webhooks
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.webhooks import WebhookOut, webhook_json
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/webhooks",),
    summary="The caller's webhooks (never their secrets)",
    operation_id="list_webhooks",
    tag="events",
    scope=TASKS_READ,
    response=list[WebhookOut],
    errors=(403,),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    webhooks = await calls.read(request, list_webhooks, principal)
    return json_response([webhook_json(webhook) for webhook in webhooks])
