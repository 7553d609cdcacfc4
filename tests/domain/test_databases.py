"""The same behaviour on SQLite, PostgreSQL and MariaDB: migrations both ways, the committed
schema scripts, and text rules (case, accents, sorting) whatever the database's collation."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import peewee
import pytest
from playhouse.pool import MaxConnectionsExceeded
from starlette.testclient import TestClient

from migrations import runner
from models import User, open_database
from router import create_app
from runtime.services import Services
from settings import PROJECT_DIR, Settings, load_settings, parse_database_url
from tests.support.accounts import PASSWORD, auth, signup
from tests.support.dbservers import DatabaseServer
from tests.support.tokens import SECRET

APP_TABLES = {"users", "tasks", "task_tags"}


def table_names(db: peewee.Database) -> set[str]:
    with db.connection_context():
        return set(db.get_tables()) & (APP_TABLES | {"migratehistory"})


def test_migrations_upgrade_and_downgrade(settings: Settings) -> None:
    db = open_database(settings.database, 2, 5)
    assert runner.upgrade(db) == runner.migration_names()
    assert table_names(db) >= APP_TABLES
    assert runner.upgrade(db) == []
    runner.downgrade(db, steps=len(runner.migration_names()))
    assert table_names(db) & APP_TABLES == set()
    assert runner.upgrade(db) == runner.migration_names()
    assert table_names(db) >= APP_TABLES
    db.close_all()


def catalog(db: peewee.Database) -> dict[str, Any]:
    """Tables, columns (type, nullability) and indexes (columns, uniqueness), read from the catalog."""
    with db.connection_context():
        result = {}
        for table in sorted(set(db.get_tables()) & APP_TABLES):
            columns = [(c.name, c.data_type.lower(), c.null, c.primary_key) for c in db.get_columns(table)]
            indexes = sorted((tuple(i.columns), i.unique) for i in db.get_indexes(table))
            keys = sorted((k.column, k.dest_table, k.dest_column) for k in db.get_foreign_keys(table))
            result[table] = (sorted(columns), indexes, keys)
        return result


def apply_script(db: peewee.Database, script: str) -> None:
    """Run a script as `psql -f` or `mysql <` would: statement by statement, comments dropped."""
    with db.connection_context():
        for chunk in script.split(";\n"):
            statement = "\n".join(line for line in chunk.splitlines() if not line.startswith("--")).strip()
            if statement and statement not in ("BEGIN", "COMMIT"):
                db.execute_sql(statement.rstrip(";"))


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_committed_script_gives_the_migrations_schema(
    dialect: str, database_server: Callable[[str], DatabaseServer], tmp_path: Any
) -> None:
    """migrations/sql/<dialect>.sql on an empty database == the migrations, compared in the catalog."""
    server = database_server(dialect)
    urls = [server.create_database("schema_migrated"), server.create_database("schema_scripted")]
    migrated, scripted = (open_database(parse_database_url(url, tmp_path), 2, 5) for url in urls)
    runner.upgrade(migrated)
    apply_script(scripted, (PROJECT_DIR / "migrations" / "sql" / f"{dialect}.sql").read_text())
    with scripted.connection_context():
        stamp = scripted.execute_sql("SELECT version_num FROM alembic_version").fetchall()
    assert [tuple(row) for row in stamp] == [(runner.migration_names()[-1],)]
    assert catalog(scripted) == catalog(migrated)
    assert set(catalog(migrated)) == APP_TABLES
    for db in (migrated, scripted):
        db.close_all()
    server.drop_database("schema_migrated")
    server.drop_database("schema_scripted")


def test_email_is_unique_whatever_the_case(client: TestClient) -> None:
    signup(client, "Anna.Berg@Example.COM")
    for variant in ("anna.berg@example.com", "ANNA.BERG@EXAMPLE.COM", "  anna.Berg@example.com "):
        response = client.post("/api/auth/signup", json={"email": variant, "password": PASSWORD})
        assert response.status_code == 409, variant
    other = client.post("/api/auth/signup", json={"email": "anna.berg@example.org", "password": PASSWORD})
    assert other.status_code == 201
    login = client.post("/api/auth/login", json={"email": "ANNA.berg@example.com", "password": PASSWORD})
    assert login.status_code == 200


def test_text_rules_do_not_depend_on_the_collation(client: TestClient) -> None:
    account = signup(client)
    headers = auth(account["access_token"])
    titles = ["zebra", "Éclair", "apple", "Apple", "eclair", "Ωmega", "  spaced  ", "B"]
    for title in titles:
        tags = ["ÉTÉ"] if title == "Éclair" else ["ete"]
        response = client.post("/api/tasks", json={"title": title, "tags": tags}, headers=headers)
        assert response.status_code == 201

    def listed(query: str) -> list[str]:
        response = client.get(f"/api/tasks?{query}", headers=headers)
        assert response.status_code == 200
        return [task["title"] for task in response.json()]

    # case-insensitive, then by code point (é and Ω after z), ties by id
    assert listed("sort=title") == ["apple", "Apple", "B", "eclair", "spaced", "zebra", "Éclair", "Ωmega"]
    assert listed("q=ÉCLAIR") == ["Éclair"]  # accents matter, case does not
    assert listed("q=eclair") == ["eclair"]
    assert listed("q=APPLE&sort=created_at") == ["apple", "Apple"]
    assert listed("q=ωMEGA") == ["Ωmega"]
    assert listed("tag=été") == ["Éclair"]
    assert listed("tag=ÉTÉ") == ["Éclair"]
    assert len(listed("tag=ete")) == 7


def test_sqlite_writers_and_checkpoints_have_connections_beside_the_readers(tmp_path: Path) -> None:
    """DB_POOL_SIZE reader threads, SQLite's writer thread, the event loop's thread writing and
    the checkpoint thread hold connections at the same time: none waits on the pool for a reader
    to finish; a fifth holder does."""
    db = open_database(parse_database_url(f"sqlite:///{tmp_path}/pool.db", tmp_path), 1, 1)
    outcomes: list[object] = []

    def hold_a_connection() -> None:  # the thread ends holding it, as a busy request would
        try:
            db.connect()
            outcomes.append(db.connection())
        except MaxConnectionsExceeded as exc:
            outcomes.append(exc)

    for _ in range(5):
        thread = threading.Thread(target=hold_a_connection)
        thread.start()
        thread.join()
    *held, fifth = outcomes
    assert all(isinstance(connection, sqlite3.Connection) for connection in held)
    assert isinstance(fifth, MaxConnectionsExceeded)
    db.close_all()


def test_an_up_to_date_database_is_seen_so_from_the_history(settings: Settings) -> None:
    db = open_database(settings.database, 1, 5)
    with db.connection_context():
        assert not runner.up_to_date(db)  # no history table yet
        assert runner.upgrade(db) == runner.migration_names()
        assert runner.up_to_date(db)
        assert runner.upgrade(db) == []
        last = runner.migration_names()[-1]
        db.execute_sql(f"DELETE FROM {runner.HISTORY_TABLE} WHERE name = {db.param}", (last,))
        assert not runner.up_to_date(db)  # one missing from the history: the locked path runs
    db.close_all()


def test_sqlite_out_of_wal_mode_goes_back_to_it(sqlite_settings: Settings) -> None:
    db = open_database(sqlite_settings.database, 1, 5)
    with db.connection_context():
        runner.upgrade(db)
        db.execute_sql("PRAGMA journal_mode=delete")
        assert not runner.up_to_date(db)
        assert runner.upgrade(db) == []
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close_all()


def test_starting_on_an_up_to_date_database_leaves_peewee_migrate_unimported(
    sqlite_settings: Settings,
) -> None:
    db = open_database(sqlite_settings.database, 1, 5)
    runner.upgrade(db)
    db.close_all()
    script = (
        "import sys; from migrations import runner; from models import open_database; "
        "from settings import load_settings; s = load_settings(); "
        "runner.upgrade(open_database(s.database, 1, 5)); print('peewee_migrate' in sys.modules)"
    )
    env = {
        **os.environ,
        "DATA_DIR": str(sqlite_settings.data_dir),
        "DATABASE_URL": "",
        "JWT_SECRET": "x" * 40,
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize("server_kind", ["postgresql", "mysql"])
def test_percent_escaped_credentials_connect_with_their_decoded_values(
    server_kind: str, database_server: Callable[[str], DatabaseServer], tmp_path: Path
) -> None:
    """`@`, `:` and `/` in a user or password arrive percent-escaped, as URL encoders write them."""
    server = database_server(server_kind)
    database = f"escaped_{server_kind}"
    database_url = server.create_database(database)
    user, password = "todo:o@x", "p@ss:w0rd/%41"
    if server_kind == "postgresql":
        server.execute(
            f"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'",
            f'ALTER DATABASE "{database}" OWNER TO "{user}"',
        )
    else:
        server.execute(
            f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'",
            f"GRANT ALL ON `{database}`.* TO '{user}'@'%'",
        )
    scheme, address = database_url.split("://")[0], database_url.split("@", 1)[1]
    escaped = f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{address}"
    assert "%40" in escaped and "%3A" in escaped and "%2F" in escaped and "%2541" in escaped
    env = {"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET, "DATABASE_URL": escaped}
    settings = load_settings(env, env_file=tmp_path / "absent.env")
    with TestClient(create_app(settings)) as client:
        token = signup(client)["access_token"]
        created = client.post("/api/tasks", json={"title": "escaped"}, headers=auth(token))
        assert created.status_code == 201, created.text
    server.drop_database(database)


@pytest.mark.anyio
async def test_a_query_outside_a_database_call_fails_at_once(services: Services) -> None:
    """The pool opens no connection by itself: only work inside `db.read`/`db.write` (which
    enter `connection_context()`) reaches the database, never the event loop by accident."""
    with pytest.raises(peewee.InterfaceError):
        User.select().count()
    with services.db.connection_context():
        assert User.select().count() == 0
