"""The event hub's reads (runtime/event_hub.py), for as long as the app serves."""

from __future__ import annotations

from domain.event_stream import NewEvents, new_events
from runtime import calls
from runtime.services import Services


async def fan_out(services: Services) -> None:
    async def read(known: dict[str, tuple[int, int]]) -> NewEvents:
        return await calls.run(services, False, new_events, known)

    await services.hub.run(read)
