"""The services a handler reaches through its request, on a freshly migrated database."""

from __future__ import annotations

from collections.abc import Iterator

from migrations import runner
from models import database_proxy, open_database
from runtime.services import Services, build_services, close_services
from settings import Settings


def migrated_services(settings: Settings) -> Iterator[Services]:
    """Migrate the database of `settings`, bind the models to it and yield its services; then
    close them and the pool: a fixture iterates over it, so the clean-up is its teardown."""
    db = open_database(settings.database, settings.db_pool_size, settings.db_timeout_seconds)
    runner.upgrade(db)
    database_proxy.initialize(db)
    services = build_services(settings, db)
    yield services
    close_services(services)
    db.close_all()  # type: ignore[attr-defined]  # a pool, though open_database says Database
