"""The event hub's reads on PostgreSQL: its LISTEN connection (runtime/listener.py) says whose
tasks changed, and the hub reads those users' events (background/fanout.py)."""

from __future__ import annotations

import functools

import anyio

from models.postgres import listening_connection
from runtime import calls
from runtime.event_hub import ReadEvents
from runtime.listener import PROBE_CHANNEL, USER_CHANNEL, Listener, send_probe
from runtime.services import Services


async def listen_and_read(services: Services, read: ReadEvents) -> None:
    async def probe(token: str) -> None:
        await calls.run(services, False, send_probe, token)

    settings = services.settings
    connect = functools.partial(
        listening_connection, settings.database, settings.db_timeout_seconds, (USER_CHANNEL, PROBE_CHANNEL)
    )
    async with anyio.create_task_group() as group:
        group.start_soon(Listener(services.hub, connect, probe).run)
        await services.hub.run(read)
