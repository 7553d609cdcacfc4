"""Deleting what the service keeps for a while only: tombstones, departures and events past
CHANGES_RETENTION_DAYS (and a day more, so that no cursor still accepted can need one),
idempotency keys past IDEMPOTENCY_TTL_HOURS, and OAuth grants that can no longer be used
(expired access and refresh tokens and codes, connections left without a refresh token). Every
worker runs it; the deletes are bounded and harmless to repeat."""

from __future__ import annotations

import datetime as dt
import logging

import anyio

from background.jobs import spread
from domain.errors import Unavailable
from domain.event_stream import purge_events
from domain.feed import purge_departures, purge_tombstones
from domain.idempotency import purge_keys
from domain.oauth_grants import purge_grants
from models import utc_now
from runtime import calls
from runtime.services import Services

INTERVAL_SECONDS = 600
logger = logging.getLogger("todo_api.maintenance")


async def purge_expired(services: Services) -> None:
    settings = services.settings
    while True:
        await anyio.sleep(spread(INTERVAL_SECONDS, 0.5))
        now = utc_now()
        tombstones = now - dt.timedelta(days=settings.changes_retention_days + 1)
        keys = now - dt.timedelta(hours=settings.idempotency_ttl_hours)
        try:
            gone = await calls.run(services, True, purge_tombstones, tombstones)
            gone += await calls.run(services, True, purge_departures, tombstones)
            gone += await calls.run(services, True, purge_events, tombstones)
            gone += await calls.run(services, True, purge_keys, keys)
            gone += await calls.run(services, True, purge_grants, now)
        except Unavailable:  # the database is away: the next round tries again
            continue
        if gone:
            logger.info("purged %d expired tombstones, events, idempotency keys and OAuth grants", gone)
