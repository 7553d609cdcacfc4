"""`python -m migrations status|upgrade|downgrade|create NAME|sql --dialect D|copy --to URL [--from URL]`."""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time

import peewee

from migrations import runner, schema
from migrations.copy import CopyRefused, copy_database
from models import MODELS, open_database
from settings import Settings, SettingsError, load_settings, parse_database_url

NAME_PATTERN = re.compile(r"[a-z0-9_]{1,28}")
RETRY_SECONDS = 2  # between connection attempts with `upgrade --wait`


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "sql":
        sys.stdout.write(schema.render(args.dialect))
        return 0
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "copy":
        return copy(settings, args.source, args.to)
    db = open_database(settings.database, settings.db_pool_size, settings.db_timeout_seconds)
    print(f"database: {settings.database.masked}")
    if args.command == "status":
        done, pending = runner.status(db)
        for name in done:
            print(f"applied  {name}")
        for name in pending:
            print(f"pending  {name}")
    elif args.command == "upgrade":
        if args.wait and not wait_for_database(db, args.wait):
            return 1
        applied = runner.upgrade(db)
        print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    elif args.command == "downgrade":
        undone = runner.downgrade(db, args.steps)
        print(f"rolled back {len(undone)} migration(s)" + (f": {', '.join(undone)}" if undone else ""))
    else:
        return create(db, args.name)
    return 0


def wait_for_database(db: peewee.Database, seconds: int) -> bool:
    """Whether the database accepts a connection within `seconds`: one starting beside the
    migrating process (a Kubernetes init container, the chart's own PostgreSQL) is waited for,
    while a failing migration still fails at once."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with db.connection_context():
                return True
        except peewee.OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if time.monotonic() + RETRY_SECONDS > deadline:
                print(f"the database did not answer within {seconds} s: {reason}", file=sys.stderr)
                return False
            print(f"waiting for the database: {reason}")
            time.sleep(RETRY_SECONDS)


def copy(settings: Settings, source_url: str | None, target_url: str) -> int:
    """Every table of the source (`--from`, default DATABASE_URL) into the target (`--to`)."""
    try:
        source = (
            settings.database if source_url is None else parse_database_url(source_url, settings.data_dir)
        )
        target = parse_database_url(target_url, settings.data_dir)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not target_url.strip():
        print("copy: --to must name the target database", file=sys.stderr)
        return 2
    if source.url == target.url:
        print("copy: the source and the target are the same database", file=sys.stderr)
        return 2
    print(f"copying {source.masked} to {target.masked}")
    started = time.monotonic()
    timeout = settings.db_timeout_seconds
    try:
        counts = copy_database(open_database(source, 1, timeout), open_database(target, 1, timeout))
    except CopyRefused as exc:
        print(f"copy refused: {exc}", file=sys.stderr)
        return 1
    except peewee.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"copy failed, nothing kept: {reason}", file=sys.stderr)
        return 1
    total = sum(counts.values())
    print(
        f"copied {total} rows in {len(counts)} tables in {time.monotonic() - started:.1f} s; row counts match"
    )
    return 0


def create(db: peewee.Database, name: str) -> int:
    """Write a new migration: the difference between the models and the migrations so far."""
    if not NAME_PATTERN.fullmatch(name):
        print("create: NAME must be 1-28 characters of a-z, 0-9 and _", file=sys.stderr)
        return 2
    with db.connection_context():
        created = runner.make_router(db).create(name, auto=list(MODELS))
    if created is None:
        print("no change between the models and the migrations: nothing written")
        return 1
    print(f"written migrations/{created}.py; then run: python -m migrations sql --dialect ...")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m migrations", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="list applied and pending migrations")
    upgrade = commands.add_parser("upgrade", help="apply pending migrations")
    upgrade.add_argument(
        "--wait",
        type=int,
        default=0,
        metavar="SECONDS",
        help="first wait up to SECONDS for the database to accept connections",
    )
    down = commands.add_parser("downgrade", help="roll back the latest migration(s)")
    down.add_argument("--steps", type=int, default=1)
    create = commands.add_parser("create", help="write a migration from the models' changes")
    create.add_argument("name")
    sql = commands.add_parser("sql", help="print the full schema as Alembic's --sql would")
    sql.add_argument("--dialect", choices=schema.DIALECTS, default="sqlite")
    copy = commands.add_parser(
        "copy",
        help="copy every table into another database (empty, and migrated: `upgrade` it first)",
        description="Every table of the source into the target: ids kept, sequences reset, rows counted.",
    )
    copy.add_argument("--to", required=True, metavar="DATABASE_URL", help="the target database")
    copy.add_argument(
        "--from", dest="source", metavar="DATABASE_URL", help="the source database (default: DATABASE_URL)"
    )
    args = parser.parse_args(argv)
    if args.command == "upgrade" and args.wait < 0:
        parser.error("--wait: SECONDS must be 0 or more")
    return args


if __name__ == "__main__":
    sys.exit(main())
