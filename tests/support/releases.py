"""An earlier release of the service, served for real on a test's database: its files come
from git (`git archive` of its commit), and it runs as its users ran it, with uvicorn."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

from settings import PROJECT_DIR, Settings
from tests.support.live import Server
from tests.support.ports import HOST, free_port
from tests.support.skips import skip_or_fail


def export(commit: str, into: Path) -> Path:
    """The files of `commit` in `into` (skipped, or in CI failed, when git cannot give them)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=PROJECT_DIR, capture_output=True, check=False
    )
    if archive.returncode != 0:
        skip_or_fail(f"git cannot export commit {commit[:7]}: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def serving(settings: Settings, tree: Path | None = None, **env: str) -> Server:
    """The app of `tree` (None: this one) on the test's database, not yet started."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "router:app", "--host", HOST, "--port", str(port)]
    if tree is not None:
        command += ["--app-dir", str(tree)]
    server = Server.sharing(settings, **env)
    server.port, server.base, server.command = port, f"http://{HOST}:{port}", command
    return server
