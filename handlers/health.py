from __future__ import annotations

from typing import Literal

import anyio.to_thread
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.probes import database_state
from handlers.http.responses import json_response
from runtime.services import services_of
from settings import SERVICE_VERSION


class HealthOut(BaseModel):
    status: Literal["ok", "error"]
    database: str
    version: str


ENDPOINT = Endpoint(
    method="GET",
    paths=("/health",),
    summary="Liveness and database check",
    operation_id="health",
    tag="service",
    response=HealthOut,
    errors=(503,),
    auth=False,
)


async def handle(request: Request) -> Response:
    services = services_of(request)
    database = await anyio.to_thread.run_sync(database_state, services.db, limiter=services.db_limiter)
    status = "ok" if database == "ok" else "error"
    body = {"status": status, "database": database, "version": SERVICE_VERSION}
    return json_response(body, status=200 if status == "ok" else 503)
