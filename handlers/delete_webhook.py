from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.webhooks import delete_webhook
from handlers.common.endpoint import Endpoint
from handlers.common.responses import no_content
from handlers.common.tokens import TASKS_WRITE
from handlers.common.webhooks import webhook_id_from_path

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
    await db.write(request, delete_webhook, principal, webhook_id_from_path(request))
    return no_content()
