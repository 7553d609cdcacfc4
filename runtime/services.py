"""What every door shares at run time, built once at start-up (router.py) and reached through
the request (or handed to background jobs)."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
import peewee
from starlette.requests import Request

from domain.cursors import Cursors
from models.database import is_sqlite
from runtime.event_hub import EventHub
from runtime.group_commit import GroupWriter
from runtime.jwks import JWKSCache
from runtime.loop_reader import LoopReader, open_loop_reader
from runtime.metrics import Metrics
from runtime.passwords import PasswordHasher
from runtime.token_service import TokenService
from settings import Settings


@dataclass
class Services:
    settings: Settings
    db: peewee.Database
    tokens: TokenService
    passwords: PasswordHasher
    db_limiter: anyio.CapacityLimiter
    # Files read for an import, one at a time in a process: each may hold IMPORT_MAX_BYTES, and
    # a ZIP's entries four times that, while it is read.
    file_limiter: anyio.CapacityLimiter
    cursors: Cursors
    # SQLite: every write of the process, committed in groups (runtime/group_commit.py); SQLite
    # takes one writer at a time, and queueing there rather than in its busy handler (which
    # sleeps with back-off) keeps the latency of a burst of writes low.
    writer: GroupWriter | None = None
    loop_reader: LoopReader | None = None  # SQLite only
    metrics: Metrics | None = None  # METRICS=true only
    hub: EventHub = field(default_factory=EventHub)  # hands events on to this process's streams


def build_services(
    settings: Settings,
    db: peewee.Database,
    metrics: Metrics | None = None,
) -> Services:
    """Must run inside the event loop (the limiters belong to it)."""
    jwks = JWKSCache(settings.jwks_url) if settings.jwks_url else None
    db_limiter = anyio.CapacityLimiter(settings.db_pool_size)
    return Services(
        settings=settings,
        db=db,
        tokens=TokenService(settings, jwks),
        passwords=PasswordHasher(settings.bcrypt_rounds),
        db_limiter=db_limiter,
        writer=GroupWriter(db, int(settings.db_timeout_seconds * 1000)) if is_sqlite(db) else None,
        file_limiter=anyio.CapacityLimiter(1),
        cursors=Cursors(settings.jwt_secret, settings.changes_retention_days),
        loop_reader=open_loop_reader(db),
        metrics=metrics,
    )


def close_services(services: Services) -> None:
    if services.writer is not None:
        services.writer.close()
    if services.loop_reader is not None:
        services.loop_reader.close()


def services_of(request: Request) -> Services:
    """The services the app's lifespan put in the request's state (a test may put its own)."""
    services: Services = request.scope["state"]["services"]
    return services
