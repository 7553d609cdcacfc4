"""Where the bench reads and writes."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project the bench serves (the current side)
BENCH_DIR = ROOT / "bench"
LUA_DIR = BENCH_DIR / "lua"
PEER_DIR = BENCH_DIR / "peer"  # the FastAPI peer's app and requirements (bench/run.sh --peer)
RESULTS_FILE = BENCH_DIR / "RESULTS.md"
OUT_DIR = BENCH_DIR / "out"  # git-ignored: the baselines' venvs
