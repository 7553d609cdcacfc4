from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.errors import not_found
from runtime.metrics import exposition
from runtime.services import services_of

ENDPOINT = Endpoint(
    method="GET",
    paths=("/metrics",),
    summary="Prometheus metrics of every worker (only with METRICS=true)",
    operation_id="metrics",
    tag="service",
    errors=(404,),
    auth=False,
    media_type="text/plain",
    description=(
        "Requests by method, route template and status, request latency, database-call latency, "
        "waits for a database thread, page-cache hits and misses, login attempts answered 429."
    ),
)


async def handle(request: Request) -> Response:
    metrics = services_of(request).metrics
    if metrics is None:
        raise not_found()
    body, media_type = await anyio.to_thread.run_sync(exposition, metrics)
    return Response(body, media_type=media_type)
