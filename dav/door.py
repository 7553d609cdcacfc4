"""The CalDAV door's entrance: the /.well-known/caldav redirect (RFC 6764), the door
(dav/app.py) imported with icalendar when its first request comes (runtime/imports.py), and its
state, which the app's lifespan makes."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dav.paths import PREFIX
from runtime.imports import DoorOnFirstUse

# The CalDAV requests a worker serves at once, each with its body read; more wait for a place.
# Each one in flight holds its body, its parsed calendar or XML and its answer: at 64 PUTs at once
# the worker's resident set grew 4 MB (bench/README.md), for no more throughput (a PUT is the
# loop's CPU, its write one commit among the others).
PLACES = 4

door = DoorOnFirstUse("dav.app", lambda module: module.app)


@dataclass
class DavState:
    places: anyio.Semaphore = field(default_factory=lambda: anyio.Semaphore(PLACES))


def dav_state(request: Request) -> DavState:
    """The CalDAV door's state, which the app's lifespan put in the request's state."""
    state: DavState = request.scope["state"]["dav"]
    return state


async def well_known(request: Request) -> Response:
    """/.well-known/caldav: the context path of the CalDAV service (RFC 6764 5)."""
    return RedirectResponse(PREFIX, status_code=301)
