from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.openapi import build_document
from handlers.http.responses import json_response
from runtime.services import services_of
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
    services = services_of(request)
    if services.openapi is None:  # built on first use, from every registered endpoint
        services.openapi = build_document(services.endpoints, SERVICE_VERSION)
    return json_response(services.openapi)
