from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.webhooks import list_webhooks
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.tokens import TASKS_READ
from handlers.common.webhooks import WebhookOut, webhook_json

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
    webhooks = await db.read(request, list_webhooks, principal)
    return json_response([webhook_json(webhook) for webhook in webhooks])
