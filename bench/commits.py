"""`bench/run.sh --commits`: what a NOTIFY in a change's transaction costs PostgreSQL's commits.

PostgreSQL serializes the commits of transactions that sent a notification (a lock held until
the commit is flushed, which keeps the notification queue in commit order), so they no longer
share one flush of the disk. This measures it on the API's own schema (every migration, the
triggers of 015 included), with a server of the suite's kind made durable (fsync and
full_page_writes on, as in production): WRITERS threads each commit a change as the API does
(the user's row updated, an event inserted) as fast as they can, in turns: without a
notification (the trigger dropped), with the trigger's, and with one sent after the commit
instead, in a transaction of its own that does not wait for its flush (`synchronous_commit`
off: the road not taken, for comparison); changes a second, the median of the turns.

    bench/run.sh --commits                 # prints a Markdown table
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.progress import log
from bench.servers import postgresql

WRITERS = (1, 16)
SECONDS = 4.0
TURNS = 3
EVENT = '{"task":{"id":1,"title":"' + "x" * 400 + '"}}'  # about an event's size


MODES = ("none", "trigger", "after")  # how a change notifies (the trigger: migration 015's)


def changes_per_second(url: str, writers: int, seconds: float, mode: str) -> float:
    import psycopg2

    def write(user_id: str, counts: list[int], slot: int, until: float) -> None:
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            while time.perf_counter() < until:
                cursor.execute("UPDATE users SET tasks_version = tasks_version + 1 WHERE id = %s", (user_id,))
                cursor.execute(
                    "INSERT INTO events (user_id, type, at, data) VALUES (%s, 'task.created', now(), %s)",
                    (user_id, EVENT),
                )
                connection.commit()
                if mode == "after":
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                    cursor.execute("SELECT pg_notify('todo_user_changed', %s)", (user_id,))
                    connection.commit()
                counts[slot] += 1

    counts = [0] * writers
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=write, args=(f"u_{slot}", counts, slot, until)) for slot in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", action="store_true", help="(how bench/__main__.py hands over)")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="per turn")
    args = parser.parse_args(argv)

    with (
        tempfile.TemporaryDirectory(prefix="todo-commits-") as tmp,
        postgresql(Path(tmp), durable=True) as server,
    ):
        url = migrated(server.create_database("commits"))
        rows = []
        for writers in WRITERS:
            found: dict[str, list[float]] = {mode: [] for mode in MODES}
            for _ in range(TURNS):
                for mode in MODES:
                    trigger(url, mode == "trigger")
                    found[mode].append(changes_per_second(url, writers, args.seconds, mode))
                    log(f"  {writers} writers, {mode}: {found[mode][-1]:.0f} changes/s")
            rows.append((writers, *(statistics.median(found[mode]) for mode in MODES)))
    print("| writers | changes/s, no NOTIFY | by the trigger (015) | ratio | after the commit | ratio |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for writers, none, by_trigger, after in rows:
        ratios = f"{by_trigger / none:.2f} | {after:.0f} | {after / none:.2f}"
        print(f"| {writers} | {none:.0f} | {by_trigger:.0f} | {ratios} |")
    return 0


def migrated(url: str) -> str:
    """`url`'s database with every migration applied and a user for each writer."""
    import psycopg2

    from migrations import runner
    from models import open_database
    from settings import DatabaseURL

    db = open_database(DatabaseURL("postgresql", url), 2, 10)
    runner.upgrade(db)
    db.close_all()  # type: ignore[attr-defined]
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        for slot in range(max(WRITERS)):
            cursor.execute(
                "INSERT INTO users (id, email, created_at, token_version, tasks_version, time_zone)"
                " VALUES (%s, %s, now(), 0, 0, 'UTC')",
                (f"u_{slot}", f"u{slot}@bench.example"),
            )
    return url


def trigger(url: str, on: bool) -> None:
    """The events table's NOTIFY trigger (migration 015) made anew, or dropped."""
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS events_notify ON events")
        if on:
            cursor.execute(
                "CREATE TRIGGER events_notify AFTER INSERT ON events "
                "FOR EACH ROW EXECUTE FUNCTION todo_notify_event()"
            )
