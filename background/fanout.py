"""The event hub's reads (runtime/event_hub.py), for as long as the app serves."""

from __future__ import annotations

from domain.event_stream import HubRead, hub_read
from domain.principal import Principal
from runtime import calls
from runtime.services import Services


async def fan_out(services: Services) -> None:
    async def read(known: dict[str, tuple[int, int]], principals: frozenset[Principal]) -> HubRead:
        return await calls.run(services, False, hub_read, known, principals)

    await services.hub.run(read)
