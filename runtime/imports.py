"""What a worker imports only once it needs it, and what it never imports.

peewee imports the PostgreSQL and MySQL drivers whenever they are installed, and PyJWT imports
cryptography for its asymmetric algorithms: together about 17 MB of a worker's memory. A SQLite
worker uses neither driver. cryptography is needed only for an external issuer's keys (JWKS_URL)
and by PyMySQL (MySQL 8's caching_sha2_password). The doors that use the `mcp` SDK (/mcp, OAuth)
are imported on their first request, like CalDAV's (icalendar).

A module set to None in `sys.modules` makes its import raise ModuleNotFoundError, which peewee and
PyJWT take as "not installed". That only works before their first import: `router` calls
`leave_out_unused` before it imports the rest of the app. In a process that has imported them
already (the test process serves every database) it changes nothing.

The `mcp` SDK's packages import more than their modules need: `mcp`'s `__init__` its client
(httpx2), `mcp.server`'s and `mcp.server.mcpserver`'s the MCPServer framework (cryptography's
AEAD for its request state, rich for its logging). The /mcp door uses the low-level server, its
transport and the tool signatures' metadata (`func_metadata`): with those `__init__`s left out
(`without_init`) its import costs a worker 15.7 MB instead of 29.9 (bench/README.md "Where the
memory goes").
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from runtime.long_lived import freeze_long_lived
from settings import Settings

DRIVERS = ("psycopg2", "psycopg2cffi", "psycopg", "pymysql", "MySQLdb")
DEFERRED = "cryptography"  # absent unless the settings need it (`leave_out_unused`)
WITHOUT_INIT = ("mcp", "mcp.server", "mcp.server.mcpserver")  # parents first


def leave_out_unused(settings: Settings) -> None:
    if settings.database.dialect == "sqlite" and "peewee" not in sys.modules:
        for name in DRIVERS:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not installed"
    if settings.jwks_url is None and settings.database.dialect != "mysql" and "jwt" not in sys.modules:
        sys.modules.setdefault(DEFERRED, None)  # type: ignore[arg-type]


def without_init(package: str) -> None:
    """`package` importable for its modules without running its `__init__`: a bare module with the
    package's directory as its `__path__` stands for it in `sys.modules`. Once the package is
    imported (a process that uses the SDK's client, as the tests do), nothing changes."""
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    assert spec is not None
    assert spec.submodule_search_locations is not None
    stand_in = ModuleType(package)
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules[package] = stand_in


async def import_door(name: str) -> ModuleType:
    """Module `name`, imported in a worker thread (the event loop goes on serving meanwhile), the
    `mcp` SDK's packages without their `__init__`. What the import made is frozen
    (runtime/long_lived.py)."""
    for package in WITHOUT_INIT:
        without_init(package)
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
