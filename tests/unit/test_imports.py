"""What a worker process imports (runtime/imports.py): a SQLite worker loads neither database
driver, cryptography only for an external issuer or MySQL, icalendar for CalDAV or an import,
and of the `mcp` SDK what /mcp uses. Each case is a fresh interpreter, as uvicorn starts one."""

from __future__ import annotations

from pathlib import Path

from tests.support.fresh import fresh_python

WATCHED = ("psycopg2", "pymysql", "cryptography", "icalendar", "mcp")
# The `mcp` package's and MCPServer's own imports, which /mcp does without.
SDK_UNUSED = ("mcp.client", "mcp.server.mcpserver.server", "httpx2", "rich")
REPORT = "import json, sys; print(json.dumps({name: sys.modules.get(name) is not None for name in WATCHED}))"


def loaded(tmp_path: Path, code: str = "import router", **env: str) -> dict[str, bool]:
    """Which of WATCHED a fresh `python -c code` has loaded at its end."""
    answer: dict[str, bool] = fresh_python(tmp_path, f"WATCHED = {WATCHED!r}\n{code}\n{REPORT}", **env)
    return answer


def test_a_sqlite_worker_loads_no_driver_nor_what_its_doors_wait_for(tmp_path: Path) -> None:
    assert loaded(tmp_path) == dict.fromkeys(WATCHED, False)


def test_a_postgresql_or_mysql_worker_loads_the_drivers(tmp_path: Path) -> None:
    for url in ("postgresql://todo@127.0.0.1:9/todo", "mysql://todo@127.0.0.1:9/todo"):
        imported = loaded(tmp_path, DATABASE_URL=url)
        assert imported["psycopg2"] and imported["pymysql"], url


def test_a_mysql_worker_keeps_cryptography_for_caching_sha2_password(tmp_path: Path) -> None:
    assert loaded(tmp_path, DATABASE_URL="mysql://todo@127.0.0.1:9/todo")["cryptography"]
    assert not loaded(tmp_path, DATABASE_URL="postgresql://todo@127.0.0.1:9/todo")["cryptography"]


def test_an_external_issuer_keeps_cryptography_for_its_keys(tmp_path: Path) -> None:
    imported = loaded(tmp_path, JWKS_URL="https://issuer.example/.well-known/jwks.json")
    assert imported["cryptography"]
    assert not imported["psycopg2"]


def test_the_doors_imported_on_first_use_load_what_they_use(tmp_path: Path) -> None:
    first_use = (
        "import anyio, router\n"
        "from runtime.imports import import_door\n"
        "for door in ('mcp_tools.registry', 'oauth.routes', 'dav.app'):\n"
        "    anyio.run(import_door, door)\n"
        "import mcp_tools.registry\n"
        "mcp_tools.registry.transport(65536)\n"
        f"WATCHED += {SDK_UNUSED!r}"
    )
    assert loaded(tmp_path, first_use) == {
        **dict.fromkeys(WATCHED, False),
        **dict.fromkeys(SDK_UNUSED, False),
        "icalendar": True,
        "mcp": True,
    }
