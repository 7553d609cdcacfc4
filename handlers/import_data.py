from __future__ import annotations

import email.message
from pathlib import PurePosixPath

import anyio.to_thread
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.imports.importer import ImportOut, import_plan
from domain.imports.own import ExportIn
from domain.imports.plan import prepared
from domain.principal import TASKS_WRITE
from domain.schemas import ListName
from domain.users import time_zone_of
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.validation import parse_query, read_body
from models import utc_now
from runtime import calls
from runtime.services import services_of
from settings import Settings


class ImportQuery(BaseModel):
    dry_run: bool = Field(default=False, description="answer what the import would do, and write nothing")
    list: ListName | None = Field(
        default=None, description="the list one Todoist project's CSV goes into (default: your Inbox)"
    )


def import_max_bytes(settings: Settings) -> int:
    return settings.import_max_bytes


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/import",),
    summary="Import your export, a Todoist backup (ZIP, or a project's CSV) or a TickTick backup (CSV)",
    operation_id="import_data",
    tag="your data",
    scope=TASKS_WRITE,
    response=ImportOut,
    body=ExportIn,
    file_types=("application/zip", "text/csv"),
    body_limit=import_max_bytes,
    query=ImportQuery,
    errors=(400, 403, 413, 415, 422),
    description=(
        "The format is found from the content. All or nothing: a file that cannot be imported whole is a "
        "422 naming the file and line (CSV) or the task and field (JSON), and nothing is written. Tasks "
        "you have already (the same uid, or list, title, parent and due date) are skipped."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    query = parse_query(request, ImportQuery)
    services = services_of(request)
    limit = import_max_bytes(services.settings)
    body = await read_body(request, limit)
    zone = await calls.read(request, time_zone_of, principal)
    file = file_name(request)
    plan = await anyio.to_thread.run_sync(
        lambda: prepared(body, file=file, list_name=query.list, limit=limit, zone=zone, now=utc_now()),
        limiter=services.file_limiter,
    )
    report = await calls.write(request, import_plan, principal, plan, query.dry_run)
    return json_response(report.json())


def file_name(request: Request) -> str | None:
    """The file's name when the client sent one (`Content-Disposition: attachment;
    filename=...`), without any folder: where the answer's problems say they are."""
    header = request.headers.get("content-disposition")
    if header is None:
        return None
    message = email.message.Message()
    message["content-disposition"] = header
    name = message.get_filename()
    return PurePosixPath(name.replace("\\", "/")).name[:255] or None if name else None
