"""A fresh interpreter, as uvicorn starts one: for what a worker imports and keeps from start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from settings import PROJECT_DIR


def fresh_python(tmp_path: Path, script: str, **env: str) -> Any:
    """The JSON a new `python -c script` prints last, run in the project with its data in
    `tmp_path`, on SQLite and its own secret unless `env` says otherwise."""
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "JWKS_URL")}
    environment.update(DATA_DIR=str(tmp_path), JWT_SECRET="s" * 40, **env)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])
