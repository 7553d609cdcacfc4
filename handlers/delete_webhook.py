from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import TASKS_WRITE
from domain.webhooks import delete_webhook
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import no_content
from handlers.http.webhooks import webhook_id_from_path
from runtime import calls

ENDPOINT = Endpoint(
    method="DELETE",
    paths=("/api/webhooks/{webhook_id}",),
    summary="Delete a webhook: no delivery to it starts from now on",
    operation_id="delete_webhook",
    tag="events",
    scope=TASKS_WRITE,
    status=204,
    errors=(403, 404, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    await calls.write(request, delete_webhook, principal, webhook_id_from_path(request))
    return no_content()
