"""The event hub's reads (runtime/event_hub.py), for as long as the app serves: on PostgreSQL
as its LISTEN connection tells it (runtime/listener.py), elsewhere by polling."""

from __future__ import annotations

import functools

import anyio

from domain.event_stream import HubRead, hub_read
from domain.principal import Principal
from models.database import is_postgresql, listening_connection
from runtime import calls
from runtime.listener import PROBE_CHANNEL, USER_CHANNEL, Listener, send_probe
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

    async def probe(token: str) -> None:
        await calls.run(services, False, send_probe, token)

    settings = services.settings
    connect = functools.partial(
        listening_connection, settings.database, settings.db_timeout_seconds, (USER_CHANNEL, PROBE_CHANNEL)
    )
    async with anyio.create_task_group() as group:
        group.start_soon(Listener(hub, connect, probe).run)
        await hub.run(read)
