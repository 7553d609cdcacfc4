from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.responses import html_page

PAGE = Path(__file__).resolve().parent.parent / "static" / "docs.html"

ENDPOINT = Endpoint(
    method="GET",
    paths=("/docs",),
    summary="Interactive API docs (Swagger UI, served from this service)",
    operation_id="docs",
    tag="service",
    auth=False,
    media_type="text/html",
)


async def handle(request: Request) -> Response:
    return html_page(PAGE)
