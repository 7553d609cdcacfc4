"""`make bench-scale`: one user with 1,000 lists and 100,000 tasks, on SQLite and PostgreSQL.

The current revision only (the baseline has no lists), one worker as production runs it,
seeded over HTTP through the batch endpoint (100 tasks per list, a fifth of them subtasks).
Each case is the first page a client asks for, measured twice: *cached* (the same address
again: the page cache answers while the user's tasks do not change) and *not cached* (each
request's address made new, as the first read after a change): a list's tasks, a list in
the user's order (`sort=position`), a search over all 100,000 tasks, and the lists themselves.

    bench/run.sh --scale                      # both databases (PostgreSQL where installed)
    bench/run.sh --scale --database sqlite    # one

Prints a Markdown report and writes it to bench/SCALE.md.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.measure import measure, preflight
from bench.paths import BENCH_DIR
from bench.progress import log
from bench.revisions import prepare_current
from bench.seeding import PASSWORD, Client, task_body
from bench.servers import Server, postgresql, service_env
from bench.wrk import Load, Row

LISTS = 1000  # the Inbox and 999 more
TASKS_PER_LIST = 100
SUBTASK_SHARE = 5  # every fifth task is a subtask of the one before it
PAGE = 50
TARGET_P99_MS = 50.0
SCALE_FILE = BENCH_DIR / "SCALE.md"


@dataclass(frozen=True)
class ScaleUser:
    token: str
    list_ids: tuple[int, ...]


def seed_scale(port: int) -> ScaleUser:
    """The user, the lists, then the tasks, 100 to a batch (one list per batch)."""
    client, rng = Client(port), random.Random(7)
    answer = client.json("POST", "/api/auth/signup", {"email": "scale@bench.example", "password": PASSWORD})
    assert isinstance(answer, dict)
    token = answer["access_token"]
    lists = client.json("GET", "/api/lists", token=token)
    assert isinstance(lists, list)
    list_ids = [lists[0]["id"]]
    for start in range(1, LISTS, 100):
        operations = [
            {"op": "create_list", "list": {"name": f"Project {n}"}}
            for n in range(start, min(start + 100, LISTS))
        ]
        list_ids += [result["list"]["id"] for result in batch(client, token, operations)]
    for number, list_id in enumerate(list_ids):
        if number % 100 == 0:
            log(f"  seeding list {number + 1} of {LISTS} ...")
        operations = []
        for n in range(TASKS_PER_LIST):
            body = {**task_body(rng, number * TASKS_PER_LIST + n), "list_id": list_id}
            if n % SUBTASK_SHARE == SUBTASK_SHARE - 1:
                body["parent_id"] = f"t{n - 1}"
            operations.append({"op": "create", "temp_id": f"t{n}", "task": body})
        batch(client, token, operations)
    return ScaleUser(token, tuple(list_ids))


def batch(client: Client, token: str, operations: list[dict[str, object]]) -> list[dict[str, object]]:
    answer = client.json("POST", "/api/batch", {"operations": operations}, token)
    assert isinstance(answer, dict)
    results: list[dict[str, object]] = answer["results"]
    refused = [result for result in results if result["status"] not in (200, 201)]
    if refused:
        raise RuntimeError(f"seeding: {refused[0]}")
    return results


def loads(user: ScaleUser) -> list[Load]:
    """Each case twice: cached (the same addresses again) and not cached (each one new)."""
    spread = user.list_ids[:: LISTS // 20]  # twenty lists, taken in turn
    cases = [
        ("a list's tasks", tuple(f"/api/tasks?list_id={list_id}&limit={PAGE}" for list_id in spread)),
        (
            "a list by position",
            tuple(
                f"/api/tasks?list_id={list_id}&parent_id=none&sort=position&limit={PAGE}"
                for list_id in spread
            ),
        ),
        ("search 100k tasks", (f"/api/tasks?q=milk&status=pending&limit={PAGE}",)),
        ("all by position", (f"/api/tasks?sort=position&limit={PAGE}",)),
        ("the 1,000 lists", ("/api/lists",)),
    ]
    return [
        Load(f"{name}, {'not cached' if unique else 'cached'}", "GET", paths, token=user.token, unique=unique)
        for name, paths in cases
        for unique in (False, True)
        if not (unique and name == "the 1,000 lists")  # the lists are read anew each time
    ]


@contextmanager
def database_url(database: str, work: Path) -> Iterator[str]:
    """SQLite in the server's DATA_DIR (""), or a database on a PostgreSQL server started for
    the run."""
    if database == "sqlite":
        yield ""
        return
    with postgresql(work) as server:
        yield server.create_database("scale")


@contextmanager
def scale_server(url: str, work: Path) -> Iterator[Server]:
    side = prepare_current()
    env = {**service_env(work / "data", side.env), "DATABASE_URL": url}
    server = Server(side.uvicorn, ["router:app", *side.flags], side.tree, env, work / "server.log")
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()


def run(database: str, duration: float, concurrencies: tuple[int, ...]) -> list[Row]:
    with (
        tempfile.TemporaryDirectory(prefix="todo-scale-") as tmp,
        database_url(database, Path(tmp)) as url,
        scale_server(url, Path(tmp)) as server,
    ):
        log(f"{database}: seeding {LISTS} lists and {LISTS * TASKS_PER_LIST} tasks ...")
        user = seed_scale(server.port)
        rows = []
        for load in loads(user):
            status = preflight(server.port, load)[0]
            if status != 200:
                raise RuntimeError(f"{load.name}: {load.paths[0]} -> {status}")
            for concurrency in concurrencies:
                rows.append(measure(server, load, concurrency, duration, warmup=2.0, side=database))
        return rows


def markdown(results: dict[str, list[Row]], duration: float) -> str:
    lines = [
        "# Scale: one user, 1,000 lists, 100,000 tasks",
        "",
        f"`bench/run.sh --scale` ({duration:g} s per wrk run, after a 2 s warm-up; first pages of {PAGE}).",
        f"Target: p99 under {TARGET_P99_MS:g} ms at c=16 on SQLite for a list's tasks, a list by position",
        "and a search.",
        "",
        "| database | case | c | req/s | p50 ms | p99 ms | cpu ms/req | >= 400 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for database, rows in results.items():
        for row in rows:
            lines.append(
                f"| {database} | {row.case} | {row.concurrency} | {row.rps:.0f} | {row.p50_ms:.2f} | "
                f"{row.p99_ms:.2f} | {row.cpu_ms or 0:.2f} | {row.non_2xx} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", action="store_true", help="(how bench/__main__.py hands over)")
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    for database in args.database or ("sqlite", "postgresql"):
        try:
            results[database] = run(database, args.duration, tuple(args.concurrency))
        except LookupError as missing:
            log(f"{database}: skipped: {missing}")
    text = markdown(results, args.duration)
    print(text)
    if not args.no_write:
        SCALE_FILE.write_text(text)
    return 0
