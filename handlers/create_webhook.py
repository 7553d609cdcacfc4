from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.schemas import WebhookCreate
from domain.webhooks import create_webhook
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.errors import validation_error
from handlers.http.responses import json_response
from handlers.http.validation import parse_body
from handlers.http.webhooks import CreatedWebhookOut, webhook_json
from runtime import calls
from runtime.services import services_of
from runtime.webhook_urls import RefusedURL, target

ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/webhooks",),
    summary="Register a URL to hear the caller's events (Standard Webhooks signatures)",
    operation_id="create_webhook",
    tag="events",
    scope=TASKS_WRITE,
    status=201,
    response=CreatedWebhookOut,
    body=WebhookCreate,
    errors=(400, 403, 409, 413, 415, 422),
    replayable=False,  # the answer holds the secret: it is not kept for an Idempotency-Key
    description=(
        "The URL must be http:// or https:// to a public address (checked again at each delivery); "
        "at most 10 webhooks. The secret is shown in this answer only."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    services = services_of(request)
    form = await parse_body(request, WebhookCreate, services.settings.max_body_bytes)
    try:
        await anyio.to_thread.run_sync(target, form.url, services.settings.webhook_allow_private)
    except RefusedURL as refused:
        raise validation_error(("body", "url"), f"The URL {refused}", "url_refused") from None
    webhook = await calls.write(request, create_webhook, principal, form)
    body = {**webhook_json(webhook), "secret": webhook.secret}
    return json_response(body, status=201, headers={"Cache-Control": "no-store"})
