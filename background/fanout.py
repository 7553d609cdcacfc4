"""The event hub's reads (runtime/event_hub.py), for as long as the app serves: on PostgreSQL
as its LISTEN connection tells it (background/listening.py), elsewhere by polling."""

from __future__ import annotations

from domain.event_stream import HubRead, hub_read
from domain.principal import Principal
from models.database import is_postgresql
from runtime import calls
from runtime.services import Services


async def fan_out(services: Services) -> None:
    hub, metrics = services.hub, services.metrics

    async def read(known: dict[str, tuple[int, int]], principals: frozenset[Principal]) -> HubRead:
        if metrics is not None:
            metrics.counts.add(metrics.hub_reads.labels("listening" if hub.listening else "polling"))
        return await calls.run(services, False, hub_read, known, principals)

    if not is_postgresql(services.db):
        await hub.run(read)
        return
    # psycopg2 is imported by a PostgreSQL worker alone (runtime/imports.py).
    from background.listening import listen_and_read

    await listen_and_read(services, read)
