"""The image, built and run as a Space runs it: scripts/container-test.sh (see its header).

Needs a container engine: Docker (`docker info` works) or, on a machine without one, the
docker-compatible podman wrapper ../shared/tools/docker, which needs root. Without either the
test is skipped with the reason, except in CI (CI=true), where it must run. The first run on a
machine also builds the python:3.11-slim stand-in base image (a few minutes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.skips import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "container-test.sh"
SHIM = ROOT.parent / "shared" / "tools" / "docker"
TIMEOUT_SECONDS = 1800  # a cold machine: install podman, build the base image, build, 4 runs
NO_ENGINE = 3  # the script's exit status when no engine can run


def engine_unavailable() -> str | None:
    """Why no container engine can run here, or None."""
    if os.environ.get("DOCKER"):
        return None  # the script checks it and fails loudly if it cannot run
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "info"], capture_output=True, timeout=60).returncode == 0:
        return None
    if not SHIM.is_file():
        return f"'docker info' fails and there is no {SHIM}"
    if os.geteuid() != 0:
        return f"'docker info' fails and {SHIM} (rootful podman) needs root"
    return None


@pytest.mark.slow
def test_the_image_builds_and_runs_as_a_space() -> None:
    if reason := engine_unavailable():
        skip_or_fail(f"no container engine: {reason}")
    started = time.monotonic()
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        pytest.fail(f"scripts/container-test.sh took over {TIMEOUT_SECONDS} s:\n{output}")
    took = time.monotonic() - started
    if result.returncode == NO_ENGINE:
        skip_or_fail(result.stdout.strip() or "no container engine")
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr[-4000:]}"
    assert "container-test: passed" in result.stdout
    print(f"scripts/container-test.sh passed in {took:.0f} s\n{result.stdout}")
