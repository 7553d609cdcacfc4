"""Migrations: the committed Alembic-style scripts, the CLI, and start-up safety with two processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from migrations import runner, schema
from models import open_database
from settings import PROJECT_DIR, Settings
from tests.support.catalog import sqlite_catalog
from tests.support.dbservers import PostgresServer
from tests.support.ports import HOST, free_port

SQL_DIR = PROJECT_DIR / "migrations" / "sql"


@pytest.mark.parametrize("dialect", schema.DIALECTS)
def test_committed_schema_script_matches_the_migrations(dialect: str) -> None:
    committed = (SQL_DIR / f"{dialect}.sql").read_text()
    assert committed == schema.render(dialect), f"run `make schema`: migrations/sql/{dialect}.sql has drifted"


def test_schema_script_is_alembic_shaped() -> None:
    script = schema.render("postgresql")
    head = runner.migration_names()[-1]
    assert script.startswith("BEGIN;\n\nCREATE TABLE alembic_version (")
    assert "-- Running upgrade  -> 001_initial" in script
    assert f"'{head}'" in script.split("-- Running upgrade")[-1]
    assert script.rstrip().endswith("COMMIT;")


def test_sqlite_script_gives_the_same_schema_as_the_migrations(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    db = open_database(sqlite_settings.database, 2, 5)
    runner.upgrade(db)
    db.close_all()
    scripted = tmp_path / "scripted.db"
    with sqlite3.connect(scripted) as connection:
        connection.executescript((SQL_DIR / "sqlite.sql").read_text())
        stamp = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert stamp == [(runner.migration_names()[-1],)]
    assert sqlite_catalog(scripted) == sqlite_catalog(sqlite_settings.database.sqlite_path)


def test_upgrade_is_idempotent_and_downgrade_undoes_it(sqlite_settings: Settings) -> None:
    db = open_database(sqlite_settings.database, 2, 5)
    assert runner.upgrade(db) == runner.migration_names()
    assert runner.upgrade(db) == []
    assert runner.status(db) == (runner.migration_names(), [])
    assert runner.downgrade(db, steps=len(runner.migration_names())) == runner.migration_names()[::-1]
    assert set(sqlite_catalog(sqlite_settings.database.sqlite_path)) == set()
    assert runner.upgrade(db) == runner.migration_names()


ROWS = """
INSERT INTO users (id, token_version, created_at) VALUES ('u1', 0, '2025-01-01');
INSERT INTO lists (user_id, name, name_key, position, task_count, open_count, version, change_seq,
  created_at, updated_at) VALUES ('u1', 'Inbox', 'inbox', 'a0', 2, 2, 1, 1, '2025-01-01', '2025-01-01');
INSERT INTO tasks (id, user_id, title, search_text, completed, priority, created_at, updated_at, list_id,
  parent_id) VALUES (4, 'u1', 'parent', 'parent', 0, 2, '2025-01-01', '2025-01-01', 1, NULL),
  (9, 'u1', 'child', 'child', 0, 2, '2025-01-01', '2025-01-01', 1, 4);
INSERT INTO task_tags (task_id, name) VALUES (9, 'home');
INSERT INTO reminders (task_id, user_id, spec) VALUES (9, 'u1', '{"before":"PT1H"}');
INSERT INTO access_tokens (user_id, name, scopes, token_hash, created_at)
  VALUES ('u1', 'a', 'r', 'h', '2025-01-01');
INSERT INTO webhooks (user_id, url, events, secret, created_at, active, cursor, attempts)
  VALUES ('u1', 'https://example.com', '*', 's', '2025-01-01', 1, 0, 0);
"""


def table_rows(path: Path) -> dict[str, list[dict[str, object]]]:
    tables = ("users", "lists", "tasks", "task_tags", "reminders", "access_tokens", "webhooks")
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        return {
            table: [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in tables
        }


def as_at_010(rows: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """`rows` without the columns a migration after 010 added (013: access_tokens.connection_id;
    014: the tasks' and lists' CalDAV columns), which rolling back to 010 drops."""
    later = {
        "access_tokens": {"connection_id"},
        "tasks": {"uid", "dav_name", "ical_extra"},
        "lists": {"dav_name"},
    }
    return {
        table: [{name: row[name] for name in row if name not in later.get(table, set())} for row in found]
        for table, found in rows.items()
    }


# The migrations after 010, rolled back to test 011 from where it starts.
AFTER_010 = runner.migration_names()[runner.migration_names().index("010_recurrence_reminders") + 1 :]


def test_making_sqlite_tables_autoincrement_and_back_keeps_their_rows(sqlite_settings: Settings) -> None:
    """Migration 011 makes tables anew and its rollback makes them plain again: the rows stay,
    with the tags and reminders of the tasks, whose foreign keys are off meanwhile."""
    path = sqlite_settings.database.sqlite_path
    db = open_database(sqlite_settings.database, 2, 5)
    runner.upgrade(db)
    runner.downgrade(db, steps=len(AFTER_010))
    with sqlite3.connect(path) as connection:  # the rows as the release before 011 had them
        connection.executescript(ROWS)
    runner.upgrade(db)
    rows = table_rows(path)
    assert runner.downgrade(db, steps=len(AFTER_010)) == AFTER_010[::-1]
    assert [table for table, shape in sqlite_catalog(path).items() if shape.autoincrement] == ["events"]
    assert table_rows(path) == as_at_010(rows)
    assert runner.upgrade(db) == AFTER_010
    assert as_at_010(table_rows(path)) == as_at_010(rows)  # (014 gives each task a new uid)
    with db.connection_context():
        sequences = dict(db.execute_sql("SELECT name, seq FROM sqlite_sequence").fetchall())
    assert (sequences["tasks"], sequences["lists"], sequences["reminders"]) == (9, 1, 1)
    db.close_all()


def test_011_leaves_a_database_it_does_not_know_as_it_was(sqlite_settings: Settings) -> None:
    """A table not as migrations 001-010 made it stops the rebuild, after three tables were
    made anew already: one transaction, so all of it is undone."""
    path = sqlite_settings.database.sqlite_path
    db = open_database(sqlite_settings.database, 2, 5)
    runner.upgrade(db)
    runner.downgrade(db, steps=len(AFTER_010))
    with sqlite3.connect(path) as connection:
        connection.executescript(ROWS + "ALTER TABLE webhooks ADD COLUMN note TEXT;")
    catalog, rows = sqlite_catalog(path), table_rows(path)
    with pytest.raises(RuntimeError, match="the table webhooks is not as the migrations made it"):
        runner.upgrade(db)
    assert (sqlite_catalog(path), table_rows(path)) == (catalog, rows)
    assert runner.status(db)[1] == AFTER_010
    db.close_all()


def cli_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "JWT_SECRET": "x" * 40}
    env.pop("DATABASE_URL", None)
    return {**env, "DATABASE_URL": database_url} if database_url else env


def cli(*args: str, data_dir: Path, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    env = cli_env(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "migrations", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_status_upgrade_downgrade(tmp_path: Path) -> None:
    names = runner.migration_names()
    assert f"pending  {names[0]}" in cli("status", data_dir=tmp_path).stdout
    applied = cli("upgrade", data_dir=tmp_path).stdout
    assert f"applied {len(names)} migration(s): {', '.join(names)}" in applied
    assert f"applied  {names[-1]}" in cli("status", data_dir=tmp_path).stdout
    assert f"rolled back 1 migration(s): {names[-1]}" in cli("downgrade", data_dir=tmp_path).stdout
    assert f"pending  {names[-1]}" in cli("status", data_dir=tmp_path).stdout
    sql = cli("sql", "--dialect", "mysql", data_dir=tmp_path)
    assert sql.stdout == (SQL_DIR / "mysql.sql").read_text()


def test_upgrade_waits_for_a_database_starting_later(postgres_server: PostgresServer, tmp_path: Path) -> None:
    """The chart's init container runs `upgrade --wait` while its PostgreSQL pod may still start."""
    url = postgres_server.create_database("late_start")
    postgres_server.stop()
    try:
        waiting = subprocess.Popen(
            [sys.executable, "-m", "migrations", "upgrade", "--wait", "60"],
            cwd=PROJECT_DIR,
            env=cli_env(tmp_path, url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(3)
        assert waiting.poll() is None, "gave up while the database was down"
    finally:
        postgres_server.start()
    output = waiting.communicate(timeout=60)[0]
    postgres_server.drop_database("late_start")
    assert waiting.returncode == 0, output
    assert "waiting for the database: connection to server" in output
    assert f"applied {len(runner.migration_names())} migration(s)" in output


def test_upgrade_gives_up_when_the_wait_ends(tmp_path: Path) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "migrations", "upgrade", "--wait", "3"],
        cwd=PROJECT_DIR,
        env=cli_env(tmp_path, f"postgresql://todo:secret@{HOST}:{free_port()}/todo"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "the database did not answer within 3 s: connection to server" in result.stderr
    assert "secret" not in result.stdout + result.stderr
    assert time.monotonic() - started < 15
    assert "--wait: SECONDS must be 0 or more" in cli("upgrade", "--wait", "-1", data_dir=tmp_path).stderr


def test_cli_create_writes_the_models_difference(tmp_path: Path) -> None:
    """In copies of the project: a failing run must not leave a migration in this one."""
    pristine, project = tmp_path / "pristine", tmp_path / "project"
    for copy in (pristine, project):
        shutil.copytree(
            PROJECT_DIR, copy, ignore=shutil.ignore_patterns(".venv", ".git", "data", "__pycache__", "tests")
        )
    task_model = project / "models" / "task.py"
    task_model.write_text(
        task_model.read_text().replace(
            "    created_at = peewee.DateTimeField(default=utc_now)\n",
            "    colour = peewee.CharField(max_length=20, null=True)\n"
            "    created_at = peewee.DateTimeField(default=utc_now)\n",
            1,
        )
    )
    unchanged = cli("create", "nothing", data_dir=tmp_path / "a", cwd=pristine)
    assert unchanged.returncode == 1
    assert "nothing written" in unchanged.stdout
    created = cli("create", "add_colour", data_dir=tmp_path / "b", cwd=project)
    assert created.returncode == 0, created.stderr
    number = len(runner.migration_names()) + 1
    migration = project / "migrations" / f"{number:03}_add_colour.py"
    assert "colour" in migration.read_text()
    assert f"applied {number} migration(s)" in cli("upgrade", data_dir=tmp_path / "b", cwd=project).stdout
    assert cli("create", "Bad Name!", data_dir=tmp_path / "b", cwd=project).returncode == 2


UPGRADE = textwrap.dedent(
    """
    import sys, time
    from migrations import runner
    from models import open_database
    from settings import load_settings
    start_at = float(sys.argv[1])
    db = open_database(load_settings().database, 2, 30)
    time.sleep(max(0.0, start_at - time.time()))
    print(",".join(runner.upgrade(db)))
    """
)


def test_two_processes_starting_together_migrate_once(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "JWT_SECRET": "x" * 40}
    start_at = str(time.time() + 1.5)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, start_at],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = sorted(process.communicate(timeout=60)[0].strip() for process in processes)
    assert [process.returncode for process in processes] == [0, 0]
    assert outputs == ["", ",".join(runner.migration_names())]  # one applied them, the other found nothing
    with sqlite3.connect(tmp_path / "todo.db") as connection:
        history = connection.execute("SELECT name FROM migratehistory").fetchall()
    assert history == [(name,) for name in runner.migration_names()]


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from migrations import runner
    from models import open_database
    from settings import load_settings
    db = open_database(load_settings().database, 2, 30)
    with db.connection_context(), runner.migration_lock(db):
        Path(sys.argv[1]).write_text("held")
        while Path(sys.argv[1]).read_text() == "held":
            time.sleep(0.05)
    """
)


def test_migration_waits_for_the_lock(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "JWT_SECRET": "x" * 40}
    flag = tmp_path / "flag"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(flag)], cwd=PROJECT_DIR, env=env)
    try:
        for _ in range(200):
            if flag.exists():
                break
            time.sleep(0.05)
        waiter = subprocess.Popen(
            [sys.executable, "-m", "migrations", "upgrade"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        assert waiter.poll() is None, "upgrade ran while another process held the lock"
        flag.write_text("release")
        assert waiter.wait(timeout=60) == 0
        assert f"applied {len(runner.migration_names())} migration(s)" in waiter.stdout.read()
    finally:
        holder.kill()


def test_upgrade_puts_sqlite_in_wal_mode(sqlite_settings: Settings) -> None:
    db = open_database(sqlite_settings.database, 2, 5)
    runner.upgrade(db)
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
        assert db.execute_sql("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
        assert db.execute_sql("PRAGMA busy_timeout").fetchone() == (5000,)
