from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.export import ExportOut, export_data
from domain.principal import TASKS_READ
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/export",),
    summary="Everything of yours as one JSON file (lists, tasks, completed ones too)",
    operation_id="export_data",
    tag="your data",
    scope=TASKS_READ,
    response=ExportOut,
    errors=(403,),
    response_headers={"Content-Disposition": 'attachment; filename="todo-export-<date>.json"'},
    description=(
        "Every field the API shows: tags, tree, order, recurrence, reminders, completion, uid. "
        "POST /api/import reads it back, here or on another server. No token, webhook or hash is in it."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    document = await calls.read(request, export_data, principal)
    name = f"todo-export-{document['exported_at'][:10]}.json"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return json_response(document, headers=headers)
