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

Prints a Markdown report and writes it to bench/RESULTS.md (bench/README.md says more).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from bench.paths import RESULTS_FILE, ROOT
from bench.progress import log
from bench.report import markdown
from bench.run import run
from bench.targets import targets

CONCURRENCIES = (1, 16, 64)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=float(os.environ.get("BENCH_DURATION", 8)),
        help="seconds per wrk run (default 8, or $BENCH_DURATION)",
    )
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up for list and the ceiling")
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCIES))
    parser.add_argument("--no-write", action="store_true", help="print the report, leave RESULTS.md alone")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        log("bench: wrk is not installed (Debian: apt-get install wrk; bench/run.sh does it as root)")
        return 2
    report = run(args)
    share = report.others_cpu / (report.seconds * (os.cpu_count() or 1))
    if share > 0.05:
        log(f"bench: other processes used {share:.0%} of the CPU during the run; the figures suffer")
    text = markdown(report)
    print(text)
    if not args.no_write:
        RESULTS_FILE.write_text(text)
        log(f"wrote {RESULTS_FILE.relative_to(ROOT)} ({report.seconds / 60:.1f} min)")
    missed = [target for target, _, met in targets(report) if met is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
