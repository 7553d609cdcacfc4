"""What the REST door keeps at run time beside the shared services: the rendered list pages,
every operation's metadata and the OpenAPI document made from it. Built once by router.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from handlers.http.endpoint import Endpoint
from handlers.http.page_cache import PageCache


@dataclass
class RestState:
    page_cache: PageCache
    endpoints: tuple[Endpoint, ...] = ()
    openapi: dict[str, Any] | None = None  # built on first use (handlers/openapi.py)


def rest_state(request: Request) -> RestState:
    """The REST door's state, which the app's lifespan put in the request's state."""
    state: RestState = request.scope["state"]["rest"]
    return state
