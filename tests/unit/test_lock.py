"""The locks (`make lock`) against what they are locked from, and who installs them.

- requirements.lock satisfies requirements.txt, and requirements-dev.lock requirements-dev.txt
  (its `-r requirements.txt` included): on Linux / CPython 3.11, where the image and the dev
  machines run, every requirement that applies there (markers evaluated) has exactly one `==`
  pin whose version its specifier allows, and so has what its extras add (`PyJWT[crypto]` needs
  `cryptography`, read from the installed package's metadata); every pin has a sha256 hash.
- requirements-dev.lock pins every package of requirements.lock at the same version with the
  same hashes, so `make test` tests what `make run` and the image run.
- The Dockerfile, `make run` and `make test` install the locks with --require-hashes (for the
  Makefile, as `make -n` prints the commands), and .dockerignore lets requirements.lock in.

No network. Each check takes its files as arguments and returns the problems it found; the
tests at the end run the checks on broken copies, to show that they fail when they should."""

from __future__ import annotations

import fnmatch
import itertools
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock"}


def linux_cpython_311(machine: str) -> dict[str, str]:
    """Marker values of CPython 3.11 on Linux (Debian's 3.11.2, as in the image's stand-in)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": "3.11.2",
        "os_name": "posix",
        "platform_machine": machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": "3.11.2",
        "python_version": "3.11",
        "sys_platform": "linux",
    }


TARGETS = (linux_cpython_311("x86_64"), linux_cpython_311("aarch64"))
# What an extra of a locked package adds: its Requires-Dist lines, for (name, version); None when
# they cannot be known here.
RequiresOf = Callable[[str, str], "list[str] | None"]


def installed_requires(name: str, version: str) -> list[str] | None:
    """Requires-Dist of the installed distribution, if it is the locked version (`make test`
    installs requirements-dev.lock before it runs the tests)."""
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    if Version(distribution.version) != Version(version):
        return None
    return distribution.requires or []


# Reading the files ------------------------------------------------------------------------------


def logical_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(first line number, text) of a requirements-format file: continuation lines joined,
    comments and blank lines dropped."""
    pending, start = "", 0
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = re.sub(r"(^|\s)#.*", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        if text:
            yield start, text
    if pending.strip():
        yield start, pending.strip()


def requirements(path: Path) -> list[tuple[Requirement, str]]:
    """A requirements file's requirements, each with the file it is in: `-r` includes followed
    (relative to the file)."""
    result: list[tuple[Requirement, str]] = []
    for _, line in logical_lines(path):
        include = re.fullmatch(r"(?:-r|--requirement)(?:\s+|=)(\S+)", line)
        if include:
            result += requirements(path.parent / include[1])
        elif not line.startswith("-"):  # -c, --index-url, ...: nothing to lock
            result.append((Requirement(line), path.name))
    return result


@dataclass(frozen=True)
class Pin:
    """One `name==version ; marker --hash=...` entry of a lock."""

    name: str  # normalised
    version: Version
    marker: Marker | None
    hashes: frozenset[str]
    where: str  # file:line

    def applies(self, environment: dict[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate({**environment, "extra": ""})

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


def read_lock(path: Path) -> tuple[list[Pin], list[str]]:
    """The pins of a lock, and what is wrong with its lines on their own."""
    pins: list[Pin] = []
    problems: list[str] = []
    for number, line in logical_lines(path):
        where = f"{path.name}:{number}"
        hashes = re.findall(r"--hash[=\s]+(\S+)", line)
        spec = re.sub(r"--hash[=\s]+\S+", "", line).strip()
        try:
            requirement = Requirement(spec)
        except InvalidRequirement:
            problems.append(f"{where}: not a pinned requirement: {line[:80]}")
            continue
        specifiers = list(requirement.specifier)
        if requirement.url or len(specifiers) != 1 or specifiers[0].operator not in ("==", "==="):
            problems.append(f"{where}: {spec}: not one `==` pin")
            continue
        try:
            version = Version(specifiers[0].version)
        except InvalidVersion:
            problems.append(f"{where}: {spec}: not an exact version")
            continue
        pin = Pin(canonicalize_name(requirement.name), version, requirement.marker, frozenset(hashes), where)
        bad = [h for h in hashes if not re.fullmatch(r"sha256:[0-9a-f]{64}", h)]
        if not hashes or bad:
            problems.append(f"{where}: {pin} has no --hash=sha256:<64 hex digits> ({bad or 'none'})")
        pins.append(pin)
    return pins, problems


# The checks ---------------------------------------------------------------------------------------


def lock_problems(
    requirements_path: Path,
    lock_path: Path,
    requires_of: RequiresOf = installed_requires,
    targets: tuple[dict[str, str], ...] = TARGETS,
) -> list[str]:
    """Why lock_path does not satisfy requirements_path on the targets (empty: it does)."""
    pins, problems = read_lock(lock_path)
    wanted = requirements(requirements_path)
    for environment in targets:
        machine = environment["platform_machine"]
        applying: dict[str, list[Pin]] = {}
        for pin in pins:
            if pin.applies(environment):
                applying.setdefault(pin.name, []).append(pin)
        for name, group in applying.items():
            if len(group) > 1:
                where = ", ".join(pin.where for pin in group)
                problems.append(f"{name} is pinned {len(group)} times for Linux {machine} ({where})")
        # (requirement, why it is wanted); extras add what they need, checked the same way.
        queue = list(wanted)
        seen: set[str] = set()
        while queue:
            requirement, why = queue.pop(0)
            if str(requirement) + why in seen:
                continue
            seen.add(str(requirement) + why)
            if requirement.marker and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            name = canonicalize_name(requirement.name)
            group = applying.get(name, [])
            if len(group) != 1:
                if not group:
                    problems.append(f"{requirement} ({why}) is not pinned in {lock_path.name}")
                continue
            (pin,) = group
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{requirement} ({why}) is not satisfied by {pin} ({pin.where})")
            for extra in sorted(requirement.extras):
                needs = requires_of(name, str(pin.version))
                if needs is None:
                    problems.append(
                        f"{requirement} ({why}): cannot read what [{extra}] needs: {pin} is not "
                        f"installed here (install the lock: make test)"
                    )
                    continue
                for line in needs:
                    dependency = Requirement(line)
                    marker = dependency.marker
                    # What the extra adds: a marker true with this extra and false without one.
                    if (
                        marker
                        and marker.evaluate({**environment, "extra": extra})
                        and not marker.evaluate({**environment, "extra": ""})
                    ):
                        dependency.marker = None
                        queue.append((dependency, f"{pin.name}[{extra}] of {why}"))
    return list(dict.fromkeys(problems))


def pins_differ(
    runtime_lock: Path, dev_lock: Path, targets: tuple[dict[str, str], ...] = TARGETS
) -> list[str]:
    """Runtime pins that the dev lock does not hold at the same version with the same hashes."""
    runtime, problems = read_lock(runtime_lock)
    dev, dev_problems = read_lock(dev_lock)
    problems += dev_problems
    for environment in targets:
        dev_pins = {(pin.name, pin.version, pin.hashes) for pin in dev if pin.applies(environment)}
        for pin in runtime:
            if pin.applies(environment) and (pin.name, pin.version, pin.hashes) not in dev_pins:
                others = [str(other) for other in dev if other.name == pin.name] or ["nothing"]
                problems.append(
                    f"{runtime_lock.name} pins {pin} ({pin.where}); {dev_lock.name} has "
                    f"{', '.join(others)}{' with other hashes' if str(pin) in others else ''}"
                )
    return list(dict.fromkeys(problems))


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script (split at &&, ||, ; and |), each as argv."""
    commands = []
    for part in re.split(r"&&|\|\||;|\|", script):
        try:
            commands.append(shlex.split(part))
        except ValueError:  # a quote split at a `;`: not a pip command anyway
            commands.append(part.split())
    return [argv for argv in commands if argv]


def pip_install_problems(commands: list[list[str]], lock: str, where: str) -> list[str]:
    """Every `pip install` uses --require-hashes, and one of them installs `-r lock`."""
    problems, installs_lock = [], False
    for argv in commands:
        if "pip" not in " ".join(argv[:4]) or "install" not in argv:
            continue
        args = argv[argv.index("install") + 1 :]
        files = [b for a, b in itertools.pairwise(args) if a in ("-r", "--requirement")]
        files += [a.split("=", 1)[1] for a in args if a.startswith("--requirement=")]
        if "--require-hashes" not in args:
            problems.append(f"{where}: `{shlex.join(argv)}` lacks --require-hashes")
        elif lock in files:
            installs_lock = True
    if not installs_lock:
        problems.append(f"{where}: no `pip install --require-hashes -r {lock}`")
    return problems


def dockerfile_problems(dockerfile: Path, lock: str = "requirements.lock") -> list[str]:
    """The image copies the lock in and installs it with --require-hashes."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    words = [line.strip().split(None, 1) for line in text.splitlines()]
    steps = [(w[0].upper(), w[1] if len(w) > 1 else "") for w in words if w and not w[0].startswith("#")]
    destination = None
    for kind, arguments in steps:
        parts = [part for part in arguments.split() if not part.startswith("--")]
        if kind == "COPY" and len(parts) == 2 and parts[0] == lock:
            destination = parts[1] + lock if parts[1].endswith("/") else parts[1]
    if destination is None:
        return [f"{dockerfile.name}: no `COPY {lock} <path>`"]
    commands = [argv for kind, arguments in steps if kind == "RUN" for argv in shell_commands(arguments)]
    return pip_install_problems(commands, destination, dockerfile.name)


def make_problems(directory: Path, target: str, lock: str) -> list[str]:
    """What `make -n -B TARGET` would run (all of it, on a venv that does not exist yet): a pip
    install of the lock with --require-hashes."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        [make, "-n", "-B", "-C", str(directory), "VENV=/nonexistent/venv", target],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        return [f"make -n {target} failed: {result.stderr.strip()}"]
    commands = [argv for line in result.stdout.splitlines() for argv in shell_commands(line)]
    return pip_install_problems(commands, lock, f"make {target}")


def dockerignore_problems(dockerignore: Path, lock: str = "requirements.lock") -> list[str]:
    patterns = [line.strip() for line in dockerignore.read_text().splitlines()]
    return [
        f"{dockerignore.name}: `{pattern}` keeps {lock} out of the build context"
        for pattern in patterns
        if pattern
        and not pattern.startswith("#")
        and any(fnmatch.fnmatch(lock, p) for p in (pattern.rstrip("/"), pattern.removeprefix("**/")))
    ]


def header_problems(lock_path: Path, source: str) -> list[str]:
    head = lock_path.read_text().splitlines()[:3]
    if not head or not head[0].startswith(f"# Generated by `make lock` from {source}"):
        return [f"{lock_path.name}: does not start with '# Generated by `make lock` from {source}'"]
    return []


# The project's files --------------------------------------------------------------------------


def failures(problems: list[str]) -> str:
    return "\n".join(problems) + "\n(after changing requirements*.txt: make lock)"


@pytest.mark.parametrize(("source", "lock"), LOCKS.items())
def test_lock_satisfies_its_requirements_on_linux_cpython_311(source: str, lock: str) -> None:
    problems = lock_problems(ROOT / source, ROOT / lock)
    assert not problems, failures(problems)


def test_dev_lock_pins_the_runtime_packages_as_the_runtime_lock() -> None:
    problems = pins_differ(ROOT / "requirements.lock", ROOT / "requirements-dev.lock")
    assert not problems, failures(problems)


@pytest.mark.parametrize(("source", "lock"), LOCKS.items())
def test_locks_say_they_are_generated_by_make_lock(source: str, lock: str) -> None:
    assert not header_problems(ROOT / lock, source)


def test_image_installs_the_lock_with_require_hashes() -> None:
    problems = dockerfile_problems(ROOT / "Dockerfile") + dockerignore_problems(ROOT / ".dockerignore")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("target", "lock"), [("run", "requirements.lock"), ("test", "requirements-dev.lock")]
)
def test_make_installs_the_lock_with_require_hashes(target: str, lock: str) -> None:
    problems = make_problems(ROOT, target, lock)
    assert not problems, "\n".join(problems)


# The checks fail on broken files ------------------------------------------------------------------


def first_pin(lock_text: str) -> tuple[str, str]:
    match = re.search(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", lock_text, flags=re.MULTILINE)
    assert match
    return match[1], match[2]


def drop_pin(lock_text: str, name: str) -> str:
    """The lock without NAME's entry (its pin line, hash and comment lines)."""
    result, count = re.subn(rf"^{re.escape(name)}==[^\n]*\n(?:[ \t][^\n]*\n)*", "", lock_text, flags=re.M)
    assert count == 1, name
    return result


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    """requirements*.txt and the locks, copied side by side (`-r requirements.txt` resolves)."""
    for name in (*LOCKS, *LOCKS.values()):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text()
    changed = change(text)
    assert changed != text
    path.write_text(changed)


def pinned(lock: Path, name: str) -> Pin:
    return next(pin for pin in read_lock(lock)[0] if pin.name == canonicalize_name(name))


def test_a_requirement_raised_past_its_pin_fails(copies: Path) -> None:
    first, _ = requirements(copies / "requirements.txt")[0]
    version = pinned(copies / "requirements.lock", first.name).version
    raised = f"{first.name}>{version}"
    edit(copies / "requirements.txt", lambda text: re.sub(rf"^{first.name}\S*", raised, text, flags=re.M))
    for source, lock in LOCKS.items():  # the dev lock too, through its -r requirements.txt
        pin = pinned(copies / lock, first.name)
        problems = lock_problems(copies / source, copies / lock)
        assert problems == [f"{raised} (requirements.txt) is not satisfied by {pin} ({pin.where})"]


def test_a_new_requirement_that_is_not_locked_fails(copies: Path) -> None:
    edit(copies / "requirements-dev.txt", lambda text: text + "not-locked-anywhere~=1.0\n")
    problems = lock_problems(copies / "requirements-dev.txt", copies / "requirements-dev.lock")
    assert problems == [
        "not-locked-anywhere~=1.0 (requirements-dev.txt) is not pinned in requirements-dev.lock"
    ]
    assert not lock_problems(copies / "requirements.txt", copies / "requirements.lock")


def test_a_requirement_for_linux_only_needs_a_pin_and_one_for_windows_does_not(copies: Path) -> None:
    edit(
        copies / "requirements.txt",
        lambda text: (
            text + 'linux-only~=1.0; sys_platform == "linux"\nwin-only~=1.0; sys_platform == "win32"\n'
        ),
    )
    problems = lock_problems(copies / "requirements.txt", copies / "requirements.lock")
    assert problems == [
        'linux-only~=1.0; sys_platform == "linux" (requirements.txt) is not pinned in requirements.lock'
    ]


def test_a_pin_without_hashes_fails(copies: Path) -> None:
    name, version = first_pin((copies / "requirements.lock").read_text())
    edit(copies / "requirements.lock", lambda text: re.sub(r" \\\n\s+--hash=\S+", "", text))
    problems = lock_problems(copies / "requirements.txt", copies / "requirements.lock")
    assert problems and all("has no --hash=sha256:" in problem for problem in problems)
    assert any(f"{canonicalize_name(name)}=={version} has no --hash" in problem for problem in problems)


def test_a_package_pinned_twice_or_without_an_exact_version_fails(copies: Path) -> None:
    name, _ = first_pin((copies / "requirements.lock").read_text())
    twice = f"{name}==0.0.1 \\\n    --hash=sha256:{'0' * 64}\nloose>=1.0 \\\n    --hash=sha256:{'1' * 64}\n"
    edit(copies / "requirements.lock", lambda text: text + twice)
    problems = lock_problems(copies / "requirements.txt", copies / "requirements.lock")
    assert any("loose>=1.0: not one `==` pin" in problem for problem in problems)
    assert any(f"{canonicalize_name(name)} is pinned 2 times for Linux x86_64" in p for p in problems)


def test_what_an_extra_needs_must_be_locked_too(copies: Path) -> None:
    """PyJWT[crypto] needs cryptography: without it in the lock the check fails."""
    (copies / "requirements.txt").write_text("PyJWT[crypto]~=2.15\n")
    pyjwt = pinned(copies / "requirements.lock", "pyjwt")

    def requires_of(name: str, version: str) -> list[str] | None:
        assert (name, version) == ("pyjwt", str(pyjwt.version))
        return ['cryptography>=3.4.0; extra == "crypto"', 'pytest>=6; extra == "tests"', "typing-extensions"]

    lock = copies / "requirements.lock"
    assert not lock_problems(copies / "requirements.txt", lock, requires_of)
    edit(lock, lambda text: drop_pin(text, "cryptography"))
    assert lock_problems(copies / "requirements.txt", lock, requires_of) == [
        "cryptography>=3.4.0 (pyjwt[crypto] of requirements.txt) is not pinned in requirements.lock"
    ]
    # Unknown metadata is a failure too, not a pass.
    assert (
        "cannot read what [crypto] needs"
        in lock_problems(copies / "requirements.txt", lock, lambda *_: None)[0]
    )


def test_a_dev_lock_that_pins_a_runtime_package_differently_fails(copies: Path) -> None:
    dev = copies / "requirements-dev.lock"
    name, version = first_pin((copies / "requirements.lock").read_text())
    edit(dev, lambda text: text.replace(f"\n{name}=={version} ", f"\n{name}==0.0.1 ", 1))
    pin = pinned(copies / "requirements.lock", name)
    assert pins_differ(copies / "requirements.lock", dev) == [
        f"requirements.lock pins {pin} ({pin.where}); requirements-dev.lock has {pin.name}==0.0.1"
    ]
    edit(dev, lambda text: drop_pin(text, name))
    assert pins_differ(copies / "requirements.lock", dev)[0].endswith("requirements-dev.lock has nothing")


def test_an_image_that_installs_without_hashes_fails(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.11-slim\nCOPY requirements.lock /tmp/requirements.lock\n"
        "RUN pip install --no-cache-dir -r /tmp/requirements.lock \\\n && rm /tmp/requirements.lock\n"
    )
    assert dockerfile_problems(dockerfile) == [
        "Dockerfile: `pip install --no-cache-dir -r /tmp/requirements.lock` lacks --require-hashes",
        "Dockerfile: no `pip install --require-hashes -r /tmp/requirements.lock`",
    ]
    dockerfile.write_text(
        "FROM python:3.11-slim\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
    )
    assert dockerfile_problems(dockerfile) == ["Dockerfile: no `COPY requirements.lock <path>`"]
    dockerignore = tmp_path / ".dockerignore"
    dockerignore.write_text(".env\n*.lock\n")
    assert dockerignore_problems(dockerignore) == [
        ".dockerignore: `*.lock` keeps requirements.lock out of the build context"
    ]


def test_a_makefile_that_installs_without_hashes_fails(copies: Path) -> None:
    makefile = copies / "Makefile"
    shutil.copy(ROOT / "Makefile", makefile)
    edit(makefile, lambda text: text.replace("--require-hashes", ""))
    problems = make_problems(copies, "run", "requirements.lock")
    assert len(problems) == 2 and "lacks --require-hashes" in problems[0], problems
