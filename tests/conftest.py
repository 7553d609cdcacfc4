"""Shared fixtures: settings on a temporary data directory and one database of each kind, the app
through an HTTP test client, and the services a handler called alone reaches through its request
(built with tests/support/requests.py). Helpers the tests share live in tests/support/.

Every test that uses `settings` (or `client`, `services`, `make_settings`) runs once per database
given with `--db` (default: sqlite,postgresql,mysql). The PostgreSQL and MariaDB servers start
once per session from Debian's packages (tests/support/dbservers.py); each test gets a fresh
database. Without a server the test is skipped with the reason, except in CI (CI=true), where
it fails.

Peewee binds the models to one database per process (models.database_proxy), as one worker
does: run one app at a time in a test, and start a real second process (tests/support/live.py)
to act as another worker."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import jwt  # noqa: F401
import peewee  # noqa: F401
import pytest

# jwt and peewee above: this process serves every database and issuer, so they load every
# driver and cryptography before `router` could leave them out (runtime/imports.py).
# `router` builds its module-level app from the environment on import: keep it off the repo.
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="todo-api-import-"))
os.environ.setdefault("BCRYPT_ROUNDS", "4")

from starlette.testclient import TestClient

from router import create_app
from runtime.services import Services
from settings import Settings, load_settings
from tests.support.dbservers import DatabaseServer, MariaDBServer, PostgresServer
from tests.support.live import Server, serving
from tests.support.services import migrated_services
from tests.support.skips import skip_or_fail
from tests.support.tokens import SECRET

DATABASE_KINDS = ("sqlite", "postgresql", "mysql")
database_names = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=os.environ.get("TEST_DATABASES", ",".join(DATABASE_KINDS)),
        help="comma-separated databases to run the API tests on: sqlite,postgresql,mysql",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_kind" in metafunc.fixturenames:
        kinds = [kind.strip() for kind in metafunc.config.getoption("db").split(",") if kind.strip()]
        unknown = set(kinds) - set(DATABASE_KINDS)
        if unknown:
            raise pytest.UsageError(f"--db: unknown database(s) {', '.join(sorted(unknown))}")
        metafunc.parametrize("database_kind", kinds)


def _start_server(kind: type[DatabaseServer], base: Path) -> DatabaseServer:
    """For the session fixtures below: skip (in CI, fail) when the server is not installed."""
    available, reason = kind.available()
    if not available:
        skip_or_fail(reason)
    server = kind(base)
    server.start()
    return server


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseServer]:
    server = _start_server(PostgresServer, tmp_path_factory.mktemp("postgres"))
    yield server
    server.close()


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseServer]:
    server = _start_server(MariaDBServer, tmp_path_factory.mktemp("mariadb"))
    yield server
    server.close()


@pytest.fixture
def database_server(request: pytest.FixtureRequest) -> Callable[[str], DatabaseServer]:
    """The session's server for a kind of database, "postgresql" or "mysql", started on first use."""

    def server_for(kind: str) -> DatabaseServer:
        return request.getfixturevalue("postgres_server" if kind == "postgresql" else "mariadb_server")

    return server_for


@pytest.fixture
def database_url(database_kind: str, database_server: Callable[[str], DatabaseServer]) -> Iterator[str]:
    """A fresh empty database of `database_kind` ("" is SQLite's default file in DATA_DIR)."""
    if database_kind == "sqlite":
        yield ""
        return
    server = database_server(database_kind)
    name = f"test_{next(database_names)}"
    yield server.create_database(name)
    server.drop_database(name)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _settings_factory(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    """For the settings fixtures below: fast bcrypt, the suite's secret, this test's database."""

    def make(**env: str) -> Settings:
        base = {
            "DATA_DIR": str(tmp_path / "data"),
            "BCRYPT_ROUNDS": "4",
            "JWT_SECRET": SECRET,
            "DATABASE_URL": database_url,
        }
        return load_settings({**base, **env}, env_file=tmp_path / "absent.env")

    return make


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    """Settings as the service would read them from this environment (and no `.env`)."""
    return _settings_factory(tmp_path, database_url)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """For the tests about SQLite itself."""
    return _settings_factory(tmp_path, "")()


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def server(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Server]:
    """The app as a real process on this test's database and secret (another worker of the app
    `client` runs), with the environment of the test's `server_env` marker on top; it must log
    no traceback."""
    marker = request.node.get_closest_marker("server_env")
    with serving(Server.sharing(settings, **(marker.kwargs if marker else {}))) as started:
        yield started


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """The services a handler reaches through the request, on a migrated database."""
    for services in migrated_services(settings):
        yield services


@pytest.fixture
async def sqlite_services(sqlite_settings: Settings) -> AsyncIterator[Services]:
    for services in migrated_services(sqlite_settings):
        yield services
