from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from handlers.http.endpoint import Endpoint
from handlers.http.responses import html_page

PAGE = Path(__file__).resolve().parent.parent / "static" / "index.html"

ENDPOINT = Endpoint(
    method="GET",
    paths=("/",),
    summary="The todo web page (HEAD answers too, as a Space's health probe needs)",
    operation_id="home",
    tag="service",
    auth=False,
    media_type="text/html",
)


async def handle(request: Request) -> Response:
    return html_page(PAGE)
