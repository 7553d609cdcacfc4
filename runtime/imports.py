"""What a worker imports only once it needs it, and what it never imports.

peewee imports the PostgreSQL and MySQL drivers whenever they are installed, and PyJWT imports
cryptography for its asymmetric algorithms: together about 17 MB of a worker's memory. A SQLite
worker uses neither driver. cryptography is needed for an external issuer's keys (JWKS_URL), by
PyMySQL (MySQL 8's caching_sha2_password) and by the `mcp` SDK, whose doors (/mcp, OAuth) are
imported on their first request, like CalDAV's (icalendar).

A module set to None in `sys.modules` makes its import raise ModuleNotFoundError, which peewee and
PyJWT take as "not installed". That only works before their first import: `router` calls
`leave_out_unused` before it imports the rest of the app. In a process that has imported them
already (the test process serves every database) it changes nothing.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from runtime.long_lived import freeze_long_lived
from settings import Settings

DRIVERS = ("psycopg2", "psycopg2cffi", "psycopg", "pymysql", "MySQLdb")
DEFERRED = "cryptography"  # absent until a door that needs it is imported (`import_door`)


def leave_out_unused(settings: Settings) -> None:
    if settings.database.dialect == "sqlite" and "peewee" not in sys.modules:
        for name in DRIVERS:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not installed"
    if settings.jwks_url is None and settings.database.dialect != "mysql" and "jwt" not in sys.modules:
        sys.modules.setdefault(DEFERRED, None)  # type: ignore[arg-type]


async def import_door(name: str) -> ModuleType:
    """Module `name`, imported in a worker thread (the event loop goes on serving meanwhile), with
    cryptography importable again. PyJWT, imported already without it, keeps to HS256. What the
    import made is frozen (runtime/long_lived.py)."""
    if DEFERRED in sys.modules and sys.modules[DEFERRED] is None:
        del sys.modules[DEFERRED]
    module = await anyio.to_thread.run_sync(importlib.import_module, name)
    freeze_long_lived()
    return module


class DoorOnFirstUse:
    """An ASGI app made from module `name` by `build` when the first request comes."""

    def __init__(self, name: str, build: Callable[[ModuleType], ASGIApp]) -> None:
        self.name = name
        self.build = build
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            self.app = self.build(await import_door(self.name))
        await self.app(scope, receive, send)
