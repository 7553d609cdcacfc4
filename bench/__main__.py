"""`make bench`: the service under wrk, beside a bare Starlette ceiling, and its cold start.

1. Cold start: `uvicorn router:app` on a fresh DATA_DIR (migrations included), then on the
   database it left, seconds from spawning the process to the first 200 from /health
   (polled every 10 ms); the median of 7 runs each. The app's modules are compiled first,
   as the image compiles them.
2. The service as production runs it (one uvicorn worker, uvloop and httptools where
   available, SQLite in a temporary DATA_DIR, bcrypt at its default cost), seeded over HTTP,
   driven by wrk at each concurrency for every case; a login storm with /health measured
   beside it; the server's peak RSS (VmHWM) per case.
3. The ceiling (bench/ceiling.py) serving the service's own 20-task page as constant bytes,
   with the same flags, measured right before `list 20` at each concurrency; every
   requests/s figure is also given as a ratio to it.

With --baseline REV, that revision runs side by side (its own checkout, venv when its
requirements differ, database and seeding): every case and concurrency on both back to back,
taking turns at going first, and the report gives each one's ratio to it. --metrics adds the
current revision with METRICS=true on the cases flagged for it.

Prints a Markdown report and writes it to bench/RESULTS.md (bench/README.md says more).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys

from bench import peer_main, scale
from bench.cases import select
from bench.paths import RESULTS_FILE, ROOT
from bench.progress import log
from bench.report import markdown
from bench.revisions import resolve
from bench.run import Options, run
from bench.targets import targets

# (full run, --quick): a quick run is for trying a change, its figures are noisier
CONCURRENCIES = ((1, 16, 64), (16,))
DURATION = (8.0, 2.0)
WARMUP = (2.0, 1.0)
COLD_RUNS = (7, 3)  # a shared VM can double one start; the median of 7 stays put


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, help="seconds per wrk run (default 8, or $BENCH_DURATION; --quick: 2)"
    )
    parser.add_argument(
        "--warmup", type=float, help="seconds of warm-up for list and the ceiling (default 2; --quick: 1)"
    )
    parser.add_argument("--concurrency", type=int, nargs="+", help="default 1 16 64 (--quick: 16)")
    parser.add_argument(
        "--cold-runs", type=int, help="cold starts per database and side (default 7; --quick: 3)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per side of each case and concurrency, alternating; the median is reported",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a pass in a couple of minutes, for development (see above)"
    )
    parser.add_argument(
        "--baseline", metavar="REV", help="a git revision to run side by side, with ratios to it"
    )
    parser.add_argument(
        "--metrics", action="store_true", help="also the current revision with METRICS=true (flagged cases)"
    )
    parser.add_argument(
        "--case", action="append", default=[], metavar="NAME", help="only this case (repeatable)"
    )
    parser.add_argument("--no-write", action="store_true", help="print the report, leave RESULTS.md alone")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser


def options(args: argparse.Namespace, argv: list[str]) -> Options:
    """The run's options: what was given, else the quick or the full run's defaults."""
    if args.baseline:
        resolve(args.baseline)  # a name git does not know fails now, not after the cold starts
    quick = 1 if args.quick else 0
    duration = args.duration or (
        DURATION[1] if quick else float(os.environ.get("BENCH_DURATION", DURATION[0]))
    )
    return Options(
        duration=duration,
        warmup=WARMUP[quick] if args.warmup is None else args.warmup,
        concurrencies=tuple(args.concurrency or CONCURRENCIES[quick]),
        cold_runs=args.cold_runs or COLD_RUNS[quick],
        cases=select(tuple(args.case)),
        repeat=max(1, args.repeat),
        baseline=args.baseline or None,
        metrics=args.metrics,
        command=shlex.join(argv),
    )


def main(argv: list[str]) -> int:
    if "--scale" in argv:
        return scale.main(argv)
    if "--peer" in argv:
        return peer_main.main(argv)
    arguments = parser()
    args = arguments.parse_args(argv)
    try:
        chosen = options(args, argv)
    except ValueError as error:
        arguments.error(str(error))
    if shutil.which("wrk") is None:
        log("bench: wrk is not installed (Debian: apt-get install wrk; bench/run.sh does it as root)")
        return 2
    report = run(chosen)
    share = report.others_cpu / (report.seconds * (os.cpu_count() or 1))
    if share > 0.05:
        log(f"bench: other processes used {share:.0%} of the CPU during the run; the figures suffer")
    text = markdown(report)
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text)
        log(f"wrote {RESULTS_FILE.relative_to(ROOT)} ({report.seconds / 60:.1f} min)")
    missed = [check.target for check in targets(report) if check.met is False]
    for target in missed:
        log(f"bench: target missed: {target}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
