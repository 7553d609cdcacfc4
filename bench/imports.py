"""`python -m bench.imports`: what importing costs on SQLite, as production serves it.

The service runs as the bench runs it (one uvicorn worker, production flags, SQLite in a fresh
DATA_DIR, bcrypt at cost 12: bench/servers.py). Each file is made as its app writes it
(tests/support/backups.py), of `--tasks` tasks (default 10,000): a quarter top level, the rest
subtasks a level or two down, labels, dates and repeats, and is sent as POST /api/import
from this process, into a fresh account each time:

- a Todoist project's CSV: its dry run, its import, and the same file again (every task
  skipped);
- a TickTick backup;
- GET /api/export of the Todoist account, and that export imported into a fresh account (every
  task keeps its uid, created_at and completion).

Each figure is the median of `--repeat` runs (3), wall time as the client sees it. The target
(issue 25): 10,000 tasks imported in at most 10 s; `--strict` exits 1 when one is over.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.paths import ROOT
from bench.revisions import prepare_current
from bench.seeding import PASSWORD
from bench.servers import running, service_server
from tests.support.backups import ticktick_backup, ticktick_row, todoist_csv, todoist_note, todoist_task

TARGET_SECONDS = 10.0
LABELS = ("home", "work", "errands", "health", "later")


def todoist_file(count: int) -> bytes:
    rows = []
    for number in range(count):
        indent = 1 if number % 4 == 0 else 2 + number % 2
        date = ("2030-05-01", "2030-05-01 09:30", "every monday", "every 2 weeks", "")[number % 5]
        content = f"Task {number} @{LABELS[number % 5]}"
        rows.append(
            todoist_task(
                content, description=f"Note on {number}", priority=1 + number % 4, indent=indent, date=date
            )
        )
        if number % 10 == 0:
            rows.append(todoist_note(f"Comment on task {number}"))
    return todoist_csv(*rows).encode()


def ticktick_file(count: int) -> bytes:
    rows = []
    for number in range(count):
        parent = "" if number % 4 == 0 else f"t{number - number % 4}"
        due = {"Due Date": "2030-05-01T07:00:00+0000", "Reminder": "-PT15M"} if number % 3 == 0 else {}
        rows.append(
            ticktick_row(
                f"Task {number}",
                task_id=f"t{number}",
                list_name=f"List {number % 7}",
                Tags=LABELS[number % 5],
                Priority=("0", "1", "3", "5")[number % 4],
                Status="2" if number % 6 == 0 else "0",
                parentId=parent,
                Order=str(number),
                **due,
            )
        )
    return ticktick_backup(*rows)


class Api:
    def __init__(self, port: int) -> None:
        self.port = port

    def call(
        self, method: str, path: str, body: bytes | None = None, token: str | None = None
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Content-Type": "application/octet-stream"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def account(self, name: str) -> str:
        body = json.dumps({"email": f"{name}@bench.example.com", "password": PASSWORD}).encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("POST", "/api/auth/signup", body=body, headers={"Content-Type": "application/json"})
        answer = json.loads(conn.getresponse().read())
        conn.close()
        token: str = answer["access_token"]
        return token


def timed(api: Api, method: str, path: str, body: bytes | None, token: str) -> tuple[float, bytes]:
    """The call's wall time, and its answer (which must be a 200)."""
    started = time.perf_counter()
    status, answer = api.call(method, path, body, token)
    seconds = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{method} {path}: status {status}: {answer[:300]!r}")
    return seconds, answer


def measure(api: Api, count: int, repeat: int) -> list[tuple[str, float, str]]:
    todoist, ticktick = todoist_file(count), ticktick_file(count)
    runs: dict[str, list[float]] = {}
    answers: dict[str, str] = {}

    def imported(case: str, file: bytes, token: str, query: str = "") -> None:
        seconds, body = timed(api, "POST", f"/api/import{query}", file, token)
        runs.setdefault(case, []).append(seconds)
        report = json.loads(body)
        made, skipped, problems = report["tasks_created"], report["tasks_skipped"], len(report["problems"])
        answers[case] = f"{made} made, {skipped} skipped, {problems} problems"

    for run in range(repeat):
        token = api.account(f"todoist{run}")
        imported("Todoist CSV, dry run", todoist, token, "?dry_run=true")
        imported("Todoist CSV", todoist, token)
        imported("Todoist CSV again (all skipped)", todoist, token)
        seconds, export = timed(api, "GET", "/api/export", None, token)
        runs.setdefault("GET /api/export", []).append(seconds)
        answers["GET /api/export"] = f"{len(json.loads(export)['tasks'])} tasks, {len(export) / 1e6:.1f} MB"
        imported("this service's export", export, api.account(f"own{run}"))
        imported("TickTick backup", ticktick, api.account(f"ticktick{run}"))
    return [(case, statistics.median(seconds), answers[case]) for case, seconds in runs.items()]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when an import of the file takes over 10 s"
    )
    args = parser.parse_args(argv)
    side = prepare_current()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as work:
        server = service_server(side, Path(work) / "data", Path(work) / "server.log")
        with running(server):
            rows = measure(Api(server.port), args.tasks, args.repeat)
    print(f"Imports of {args.tasks:,} tasks on SQLite ({side.revision}; median of {args.repeat}):\n")
    print("| case | seconds | answer |\n| --- | ---: | --- |")
    for case, seconds, answer in rows:
        print(f"| {case} | {seconds:.2f} | {answer} |")
    slow = [case for case, seconds, _ in rows if case != "GET /api/export" and seconds > TARGET_SECONDS]
    if slow:
        print(f"\nover {TARGET_SECONDS:.0f} s: {', '.join(slow)}")
    return 1 if slow and args.strict else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
