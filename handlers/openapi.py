from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.openapi import build_document
from handlers.http.responses import json_response
from handlers.http.state import rest_state
from settings import SERVICE_VERSION

ENDPOINT = Endpoint(
    method="GET",
    paths=("/openapi.json",),
    summary="This OpenAPI 3.1 document",
    operation_id="openapi",
    tag="service",
    auth=False,
)


async def handle(request: Request) -> Response:
    state = rest_state(request)
    if state.openapi is None:  # built on first use, from every registered endpoint
        state.openapi = build_document(state.endpoints, SERVICE_VERSION)
    return json_response(state.openapi)
