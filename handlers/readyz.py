from __future__ import annotations

from typing import Literal

import anyio.to_thread
import peewee
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.probes import unreachable
from handlers.http.responses import json_response
from migrations import runner
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
    database, migrations = await anyio.to_thread.run_sync(check, services.db, limiter=services.db_limiter)
    ready = database == "ok" and migrations == "ok"
    body = {"status": "ok" if ready else "error", "database": database, "migrations": migrations}
    return json_response(body, status=200 if ready else 503)


def check(db: peewee.Database) -> tuple[str, str]:
    """("ok" or what failed, "ok" or the migrations still pending)."""
    try:
        with db.connection_context():
            pending = runner.pending(db)
    except Exception as exc:
        return unreachable(exc), "unknown"
    return "ok", f"pending: {', '.join(pending)}" if pending else "ok"
