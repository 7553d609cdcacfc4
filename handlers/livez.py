from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response


class LiveOut(BaseModel):
    status: Literal["ok"]


ENDPOINT = Endpoint(
    method="GET",
    paths=("/livez",),
    summary="Liveness: the process serves (touches no database)",
    operation_id="livez",
    tag="service",
    response=LiveOut,
    auth=False,
    description="For liveness probes: a database outage must not get a healthy process restarted.",
)


async def handle(request: Request) -> Response:
    return json_response({"status": "ok"})
