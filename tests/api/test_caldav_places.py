"""CalDAV requests in one worker: each body read whole before the method takes one of the door's
PLACES (dav/door.py). In-process, on the app the lifespan started: requests from several
threads run at once on its event loop."""

from __future__ import annotations

import pytest
from starlette.responses import Response
from starlette.testclient import TestClient

import dav.app
from dav.call import DavCall
from dav.door import PLACES
from router import create_app
from settings import Settings
from tests.support.concurrency import Overlap, at_once
from tests.support.dav import dav_user, ics, vtodo


def test_no_more_than_places_requests_are_served_at_once(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(sqlite_settings)) as client:
        ann = dav_user(client)
        inbox = ann.inbox_id()
        assert ann.put(inbox, "first.ics", ics(vtodo("first", "First"))).status_code == 201  # the door is in
        put, overlap = dav.app.METHODS["PUT"], Overlap()

        async def counting(call: DavCall) -> Response:
            async with overlap.held():
                return await put(call)

        monkeypatch.setitem(dav.app.METHODS, "PUT", counting)
        statuses: list[int] = []

        def add(number: int) -> None:
            body = ics(vtodo(f"t{number}", f"task {number}"))
            statuses.append(ann.put(inbox, f"t{number}.ics", body).status_code)

        at_once(add, 3 * PLACES)
        assert statuses == [201] * 3 * PLACES
        assert overlap.most == PLACES  # as many at once as there are places, never more
        titles = {task["title"] for task in ann.rest("GET", "/api/tasks?limit=100")}
        assert titles == {"First", *(f"task {number}" for number in range(3 * PLACES))}
