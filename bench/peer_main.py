"""`make bench-peer` (`bench/run.sh --peer`): the service against an idiomatic FastAPI +
SQLModel peer, the yardstick of issue 22.

In one run, each operation at each concurrency on every server back to back, the servers
taking turns at going first so that the machine's drift over the run hits them alike:

- the service on SQLite, one worker, as production runs it;
- the peer (bench/peer/app.py: FastAPI + SQLModel + PyJWT, sync endpoints, SQLite), one
  worker, in a venv of its own made once from bench/peer/requirements.txt (bench/out/venvs/);
- the service on PostgreSQL with one worker and with two, each on a database of its own on
  one server of the test suite's kind (tests/support/dbservers.py), where PostgreSQL is
  installed (`--no-postgresql` leaves them out);
- the bare Starlette ceiling (bench/ceiling.py: the service's own page as bytes), right before
  the cached list at each concurrency.

All with `--loop uvloop --http httptools`, each on its own port and temporary data, seeded
alike over HTTP: a reader with 1,000 tasks (get one, the cached list), a writer with 200
(patch, create) and an editor with 1,000 (edit-then-list: a PATCH of one of the editor's tasks,
then a GET of the editor's first 20, in turn). The cached list is the reader's first 20 with
nothing changed since the last read.

    bench/run.sh --peer                     # about 7 minutes on a 2-vCPU machine
    bench/run.sh --peer --duration 2 --no-postgresql --no-write   # about 3

Prints a Markdown report and writes it to bench/PEER.md; bench/README.md says more.
"""

from __future__ import annotations

import argparse
import shlex
import shutil

from bench.paths import BENCH_DIR, ROOT
from bench.peer_report import checks, markdown
from bench.peer_run import Options, run
from bench.progress import log

PEER_FILE = BENCH_DIR / "PEER.md"
DURATION = 3.0
WARMUP = 1.0
CONCURRENCIES = (1, 16, 64)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run.sh --peer", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--peer", action="store_true", help="(how bench/__main__.py hands over)")
    parser.add_argument(
        "--duration", type=float, default=DURATION, help=f"seconds per wrk run ({DURATION:g})"
    )
    parser.add_argument(
        "--warmup", type=float, default=WARMUP, help=f"seconds of warm-up for the cached list ({WARMUP:g})"
    )
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCIES))
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per server of each case and concurrency (the median)"
    )
    parser.add_argument("--no-postgresql", action="store_true", help="the service on SQLite only")
    parser.add_argument("--no-write", action="store_true", help="print the report, leave bench/PEER.md alone")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if shutil.which("wrk") is None:
        log("bench: wrk is not installed (Debian: apt-get install wrk; bench/run.sh does it as root)")
        return 2
    options = Options(
        duration=args.duration,
        warmup=args.warmup,
        concurrencies=tuple(args.concurrency),
        repeat=max(1, args.repeat),
        postgresql=not args.no_postgresql,
        command=shlex.join(argv),
    )
    result = run(options)
    text = markdown(result)
    print(text)
    if not args.no_write:
        PEER_FILE.write_text(text)
        log(f"wrote {PEER_FILE.relative_to(ROOT)} ({result.seconds / 60:.1f} min)")
    missed = [each.target for each in checks(result) if each.met is False]
    for target in missed:
        log(f"bench: target missed: {target}")
    return 1 if args.strict and missed else 0
