"""The revisions a run serves side by side: the working tree, and a baseline from git.

A side is one revision ready to serve: its tree (where `uvicorn router:app` runs), the venv it
runs with, its uvicorn flags, and what its environment adds. The baseline is exported from git
into the run's temporary directory (no network, no worktree registered) and runs with the
current venv when its requirements.txt is the same, else with a venv of its own, cached under
bench/out/venvs/ by a hash of that file.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.paths import OUT_DIR, ROOT
from bench.progress import log

# The app's own modules, compiled before the cold starts as the image compiles them at build
# (Dockerfile): where PYTHONDONTWRITEBYTECODE is set, they would be compiled at every start.
# A revision compiles those of them it has.
APP_CODE = ("handlers", "models", "migrations", "settings.py", "router.py")
VENVS = OUT_DIR / "venvs"
READY = ".bench-ready"  # written last: a venv without it is half-installed and made anew
PACKAGES = ("starlette", "uvicorn", "uvloop", "httptools", "peewee", "pydantic", "PyJWT", "bcrypt")


@dataclass(frozen=True)
class Side:
    """One revision of the app, ready to serve."""

    key: str  # "current", "baseline" or "metrics": its directories and its place in the report
    title: str  # how the report names it
    revision: str  # `git describe` of its tree
    tree: Path
    bin_dir: Path  # its venv's bin/: python and uvicorn
    flags: tuple[str, ...]  # uvicorn's, as production runs it with this venv
    env: Mapping[str, str] = field(default_factory=dict)  # over bench.servers.service_env
    lenient: bool = False  # a case it cannot serve is "n/a", not an error (an older revision)
    metrics: bool = False  # METRICS=true: runs only the cases flagged `metrics`
    own_venv: bool = False  # its requirements differ from the current revision's

    @property
    def python(self) -> Path:
        return self.bin_dir / "python"

    @property
    def uvicorn(self) -> Path:
        return self.bin_dir / "uvicorn"


def prepare_current() -> Side:
    """The working tree with the venv the bench runs in, its modules compiled."""
    bin_dir = Path(sys.executable).parent
    compile_tree(bin_dir / "python", ROOT)
    return Side(
        key="current",
        title="current",
        revision=git("describe", "--always", "--dirty") or "unknown",
        tree=ROOT,
        bin_dir=bin_dir,
        flags=uvicorn_flags(bin_dir / "python"),
        env={"METRICS": "false"},
    )


def with_metrics(current: Side) -> Side:
    """The current revision again, with the app's opt-in metrics on (METRICS=true). A revision
    that does not know the setting ignores it, and its figures equal the plain side's."""
    return replace(current, key="metrics", title="METRICS=true", env={"METRICS": "true"}, metrics=True)


def prepare_baseline(revision: str, work: Path) -> Side:
    """`revision` exported into `work`/baseline, with a venv and compiled modules of its own."""
    commit = resolve(revision)
    tree = work / "baseline" / "tree"
    export(commit, tree)
    env_file = ROOT / ".env"
    if env_file.exists():  # both sides read the same settings file
        shutil.copyfile(env_file, tree / ".env")
    bin_dir, own_venv = venv_for(tree / "requirements.txt")
    compile_tree(bin_dir / "python", tree)
    short = git("describe", "--always", commit)
    return Side(
        key="baseline",
        title="baseline",
        revision=short if revision.startswith(short) else f"{short} ({revision})",
        tree=tree,
        bin_dir=bin_dir,
        flags=uvicorn_flags(bin_dir / "python"),
        env={"METRICS": "false"},
        lenient=True,
        own_venv=own_venv,
    )


def resolve(revision: str) -> str:
    """The commit `revision` names in this repository (ValueError when none)."""
    commit = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if not commit:
        raise ValueError(f"--baseline {revision!r} is not a commit of this repository")
    return commit


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def export(commit: str, tree: Path) -> None:
    """The commit's files (`git archive`) extracted into `tree`."""
    tree.mkdir(parents=True)
    archive = subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=ROOT, stdout=subprocess.PIPE)
    assert archive.stdout is not None
    try:
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
    finally:
        archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {commit} failed")


def venv_for(requirements: Path) -> tuple[Path, bool]:
    """(bin/ of a venv with `requirements` installed, whether it is not the current venv)."""
    if requirements.read_bytes() == (ROOT / "requirements.txt").read_bytes():
        return Path(sys.executable).parent, False
    return cached_venv(requirements, "the baseline's requirements.txt differs"), True


def cached_venv(requirements: Path, why: str) -> Path:
    """bin/ of a venv of its own with `requirements` installed: made once (`why` says why, in
    the log), under VENVS, by a hash of that file."""
    # Keyed by the Python it was made with too: a venv only runs with the interpreter it was made from.
    digest = hashlib.sha256(requirements.read_bytes() + platform.python_version().encode()).hexdigest()
    venv = VENVS / digest[:16]
    if not (venv / READY).exists():
        log(f"{why}; installing {shown(requirements)} into {shown(venv)} (once) ...")
        install(venv, requirements)
    return venv / "bin"


def install(venv: Path, requirements: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    done = subprocess.run(
        [*pip, "-r", requirements.name], cwd=requirements.parent, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip install -r {shown(requirements)} failed:\n{done.stderr}")
    (venv / READY).write_text(requirements.read_text())


def shown(path: Path) -> Path:
    """`path` as the log shows it: from the project's root when it is under it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def compile_tree(python: Path, tree: Path) -> None:
    present = [name for name in APP_CODE if (tree / name).exists()]
    subprocess.run([str(python), "-m", "compileall", "-q", *present], cwd=tree, check=True)


def uvicorn_flags(python: Path) -> tuple[str, ...]:
    """The production flags (the image's, but the access log): uvloop and httptools when that
    venv has them, proxy headers left to the app."""
    probe = "import importlib.util as u; print(bool(u.find_spec('uvloop')), bool(u.find_spec('httptools')))"
    found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout
    uvloop, httptools = (word == "True" for word in found.split())
    loop, http = "uvloop" if uvloop else "asyncio", "httptools" if httptools else "h11"
    return ("--loop", loop, "--http", http, "--no-proxy-headers", "--no-access-log", "--log-level", "warning")


def package_versions(python: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """'name version' of each of `packages` in that venv ('name (not installed)' where missing)."""
    script = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n"
        "    try: return f'{n} {m.version(n)}'\n"
        "    except m.PackageNotFoundError: return f'{n} (not installed)'\n"
        "print(json.dumps([v(n) for n in sys.argv[1:]]))"
    )
    done = subprocess.run([str(python), "-c", script, *packages], capture_output=True, text=True, check=True)
    versions: list[str] = json.loads(done.stdout)
    return versions
