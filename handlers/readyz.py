from __future__ import annotations

from typing import Literal

import anyio.to_thread
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.probes import readiness
from handlers.http.responses import json_response
from runtime.services import services_of


class ReadyOut(BaseModel):
    status: Literal["ok", "error"]
    database: str
    migrations: str


ENDPOINT = Endpoint(
    method="GET",
    paths=("/readyz",),
    summary="Readiness: the database answers and every migration is applied",
    operation_id="readyz",
    tag="service",
    response=ReadyOut,
    errors=(503,),
    auth=False,
    description="For readiness probes and load balancers: 503 with the reason otherwise.",
)


async def handle(request: Request) -> Response:
    services = services_of(request)
    database, migrations = await anyio.to_thread.run_sync(readiness, services.db, limiter=services.db_limiter)
    ready = database == "ok" and migrations == "ok"
    body = {"status": "ok" if ready else "error", "database": database, "migrations": migrations}
    return json_response(body, status=200 if ready else 503)
