"""The event hub's reads (handlers/common/event_hub.py), for as long as the app serves."""

from __future__ import annotations

from handlers.common import db
from handlers.common.crud.event_stream import new_events
from handlers.common.event_hub import NewEvents
from handlers.common.services import Services


async def fan_out(services: Services) -> None:
    async def read(known: dict[str, tuple[int, int]]) -> NewEvents:
        return await db.run(services, False, new_events, known)

    await services.hub.run(read)
