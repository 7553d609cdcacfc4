"""The service's configuration: the environment (and `.env`) turned into one immutable object.

Every variable is read here and nowhere else. A bad value stops start-up with one line that
names the variable; a database password never appears in that line.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dotenv import dotenv_values

PROJECT_DIR = Path(__file__).resolve().parent
SECRET_FILE_NAME = ".jwt_secret"
SQLITE_FILE_NAME = "todo.db"
MIN_SECRET_BYTES = 32
# Database threads (and pooled connections) per worker when DB_POOL_SIZE is not set. SQLite's
# reads are local and CPU-bound: past two threads they only contend for the GIL (measured in
# bench/README.md). PostgreSQL and MySQL spend their time waiting on the network.
DEFAULT_POOL_SIZES = {"sqlite": 2, "postgresql": 10, "mysql": 10}

HOST_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?")

logger = logging.getLogger("todo_api.settings")


def read_service_version() -> str:
    """The version pyproject.toml gives, the one place it is written (/health, OpenAPI)."""
    with (PROJECT_DIR / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


SERVICE_VERSION = read_service_version()

# SQLAlchemy-style schemes and driver suffixes users bring from other projects.
SCHEME_ALIASES = {
    "sqlite": "sqlite",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}
KNOWN_DRIVERS = {
    "sqlite": {"pysqlite", "aiosqlite"},
    "postgresql": {"psycopg2", "psycopg", "psycopg2cffi", "pg8000", "asyncpg"},
    "mysql": {"pymysql", "mysqldb", "mysqlconnector", "aiomysql", "asyncmy", "mariadbconnector"},
}


class SettingsError(ValueError):
    """A configuration value that the service cannot start with."""


@dataclass(frozen=True)
class DatabaseURL:
    """A normalised database URL: one of three dialects, in the form playhouse.db_url reads."""

    dialect: str  # "sqlite", "postgresql" or "mysql"
    url: str

    @property
    def masked(self) -> str:
        return mask_password(self.url)

    @property
    def sqlite_path(self) -> Path:
        assert self.dialect == "sqlite"
        return Path(urlsplit(self.url).path.removeprefix("/"))


@dataclass(frozen=True)
class Settings:
    database: DatabaseURL
    data_dir: Path
    jwt_secret: str
    jwt_secret_generated: bool
    jwt_expires_minutes: int
    jwt_issuer: str | None
    jwt_audience: str | None
    jwks_url: str | None
    cors_origins: tuple[str, ...]
    cors_origin_regex: str | None
    forwarded_allow_ips: tuple[str, ...]
    host: str
    port: int
    auto_migrate: bool
    bcrypt_rounds: int
    max_body_bytes: int
    # The largest body POST /api/import reads (a backup to import); larger ones get 413.
    import_max_bytes: int
    log_level: str
    log_format: str  # "text" or "json"
    metrics: bool
    db_pool_size: int
    db_timeout_seconds: float
    login_max_failures: int
    login_max_failures_per_client: int
    login_window_seconds: int
    idempotency_ttl_hours: int
    changes_retention_days: int
    # Webhook URLs may name loopback and private addresses (tests, private networks).
    webhook_allow_private: bool
    # How long a process's claim on a webhook lasts unless renewed: after a crash, another
    # process takes the webhook's deliveries up this long after.
    webhook_claim_seconds: int
    # How often each process looks for due reminders (each fires once, whichever finds it).
    reminder_poll_seconds: int
    # The service's public URL, for the links in events made without a request (reminders), and
    # the OAuth issuer and metadata (`runtime/public_base.py`).
    public_url: str | None
    # The Space's host name, which Hugging Face sets (`<owner>-<space>.hf.space`): the public
    # URL when PUBLIC_URL is not set.
    space_host: str | None
    # Lifetimes of what the OAuth door issues (short ones for tests).
    oauth_access_token_seconds: int
    oauth_code_seconds: int

    @property
    def issued_token_issuer(self) -> str:
        return self.jwt_issuer or "todo-api"


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Read the settings from `environ` (default: the process environment) over `.env`.

    The real environment wins over the file. Side effects are limited to what the settings
    need to exist: the data directory and, when no secret is configured, the generated one.
    """
    env = read_environment(os.environ if environ is None else environ, env_file)
    data_dir = resolve_data_dir(env.get("DATA_DIR", ""))
    secret, generated = resolve_jwt_secret(env, data_dir)
    database = parse_database_url(env.get("DATABASE_URL", ""), data_dir)
    return Settings(
        database=database,
        data_dir=data_dir,
        jwt_secret=secret,
        jwt_secret_generated=generated,
        jwt_expires_minutes=parse_int(env, "JWT_EXPIRES_MINUTES", 1440, minimum=1),
        jwt_issuer=env.get("JWT_ISSUER") or None,
        jwt_audience=env.get("JWT_AUDIENCE") or None,
        jwks_url=parse_http_url(env, "JWKS_URL"),
        cors_origins=parse_list(env.get("CORS_ORIGINS", "*")),
        cors_origin_regex=parse_regex(env, "CORS_ORIGIN_REGEX"),
        forwarded_allow_ips=parse_list(env.get("FORWARDED_ALLOW_IPS", "127.0.0.1")),
        host=env.get("HOST") or "0.0.0.0",
        port=parse_int(env, "PORT", 7860, minimum=1, maximum=65535),
        auto_migrate=parse_bool(env, "AUTO_MIGRATE", True),
        bcrypt_rounds=parse_int(env, "BCRYPT_ROUNDS", 12, minimum=4, maximum=31),
        max_body_bytes=parse_int(env, "MAX_BODY_BYTES", 65536, minimum=1024),
        import_max_bytes=parse_int(env, "IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024),
        log_level=parse_choice(env, "LOG_LEVEL", "info", ("critical", "error", "warning", "info", "debug")),
        log_format=parse_choice(env, "LOG_FORMAT", "text", ("text", "json")),
        metrics=parse_bool(env, "METRICS", False),
        db_pool_size=parse_int(
            env, "DB_POOL_SIZE", DEFAULT_POOL_SIZES[database.dialect], minimum=1, maximum=1000
        ),
        db_timeout_seconds=parse_int(env, "DB_TIMEOUT_SECONDS", 5, minimum=1, maximum=300),
        login_max_failures=parse_int(env, "LOGIN_MAX_FAILURES", 5, minimum=1),
        login_max_failures_per_client=parse_int(env, "LOGIN_MAX_FAILURES_PER_CLIENT", 20, minimum=1),
        login_window_seconds=parse_int(env, "LOGIN_WINDOW_SECONDS", 900, minimum=1),
        idempotency_ttl_hours=parse_int(env, "IDEMPOTENCY_TTL_HOURS", 24, minimum=1, maximum=24 * 365),
        changes_retention_days=parse_int(env, "CHANGES_RETENTION_DAYS", 30, minimum=1, maximum=3650),
        webhook_allow_private=parse_bool(env, "WEBHOOK_ALLOW_PRIVATE", False),
        webhook_claim_seconds=parse_int(env, "WEBHOOK_CLAIM_SECONDS", 60, minimum=15, maximum=3600),
        reminder_poll_seconds=parse_int(env, "REMINDER_POLL_SECONDS", 5, minimum=1, maximum=30),
        public_url=parse_http_url(env, "PUBLIC_URL"),
        space_host=parse_host(env, "SPACE_HOST"),
        oauth_access_token_seconds=parse_int(
            env, "OAUTH_ACCESS_TOKEN_SECONDS", 3600, minimum=1, maximum=24 * 3600
        ),
        oauth_code_seconds=parse_int(env, "OAUTH_CODE_SECONDS", 60, minimum=1, maximum=600),
    )


def read_environment(environ: Mapping[str, str], env_file: Path | None) -> dict[str, str]:
    path = env_file or PROJECT_DIR / ".env"
    from_file = {key: value for key, value in dotenv_values(path).items() if value is not None}
    return {**from_file, **{key: value.strip() for key, value in environ.items()}}


def resolve_data_dir(value: str) -> Path:
    """`DATA_DIR`, else `/data` when it is a writable directory (a Space's storage), else `./data`."""
    if value:
        path = Path(value)
    elif os.path.isdir("/data") and os.access("/data", os.W_OK | os.X_OK):
        path = Path("/data")
    else:
        path = PROJECT_DIR / "data"
    path = path if path.is_absolute() else PROJECT_DIR / path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"DATA_DIR: cannot create {path}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise SettingsError(f"DATA_DIR: {path} is not writable by uid {os.getuid()}")
    return path


def resolve_jwt_secret(env: Mapping[str, str], data_dir: Path) -> tuple[str, bool]:
    """The configured secret, or one generated once and kept in the data directory."""
    for name in ("JWT_SECRET", "BETTER_AUTH_SECRET"):
        if value := env.get(name):
            if len(value.encode()) < MIN_SECRET_BYTES:
                raise SettingsError(f"{name}: must be at least {MIN_SECRET_BYTES} bytes long")
            return value, False
    return read_or_create_secret(data_dir / SECRET_FILE_NAME), True


def read_or_create_secret(path: Path) -> str:
    """Create the secret file atomically, so workers starting together agree on one secret."""
    if not path.exists():
        candidate = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        candidate.write_text(secrets.token_urlsafe(48))
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    secret = path.read_text().strip()
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(f"JWT_SECRET: the generated secret in {path} is too short; delete it")
    return secret


def parse_database_url(value: str, data_dir: Path) -> DatabaseURL:
    if not value:
        return DatabaseURL("sqlite", f"sqlite:///{data_dir / SQLITE_FILE_NAME}")
    error = SettingsError(
        f"DATABASE_URL: cannot use {mask_password(value)!r}; expected sqlite:///path/to/file.db, "
        "postgresql://user:password@host:5432/db or mysql://user:password@host:3306/db"
    )
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a non-numeric port
    except ValueError:
        raise error from None
    scheme, _, driver = parts.scheme.lower().partition("+")
    dialect = SCHEME_ALIASES.get(scheme)
    if dialect is None or (driver and driver not in KNOWN_DRIVERS[dialect]):
        raise error
    if dialect == "sqlite":
        return DatabaseURL("sqlite", f"sqlite:///{sqlite_path(parts.netloc, parts.path, error)}")
    if not parts.hostname or not parts.path.strip("/") or port == 0:
        raise error
    query = urlencode(parse_qsl(parts.query))
    return DatabaseURL(dialect, urlunsplit((dialect, parts.netloc, parts.path, query, "")))


def sqlite_path(netloc: str, path: str, error: SettingsError) -> Path:
    """`sqlite:///rel.db` is relative to the project, `sqlite:////abs.db` absolute (SQLAlchemy's rule)."""
    relative = path.removeprefix("/")
    if netloc or not relative or relative == ":memory:":
        raise error
    file = Path(relative)
    return file if file.is_absolute() else (PROJECT_DIR / file).resolve()


def mask_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def parse_int(
    env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int | None = None
) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: {raw!r} is not an integer") from None
    if value < minimum or (maximum is not None and value > maximum):
        limit = f"between {minimum} and {maximum}" if maximum else f"at least {minimum}"
        raise SettingsError(f"{name}: {value} must be {limit}")
    return value


def parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}: {raw!r} is not a boolean (true or false)")


def parse_choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").lower() or default
    if raw not in choices:
        raise SettingsError(f"{name}: {raw!r} is not one of {', '.join(choices)}")
    return raw


def parse_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip().rstrip("/") for item in raw.split(",") if item.strip())


def parse_regex(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name) or None
    if raw is not None:
        try:
            re.compile(raw)
        except re.error as exc:
            raise SettingsError(f"{name}: {raw!r} is not a valid regular expression: {exc}") from None
    return raw


def parse_host(env: Mapping[str, str], name: str) -> str | None:
    """A host name, with an optional port (what Hugging Face puts in SPACE_HOST)."""
    raw = env.get(name) or None
    if raw is not None and not HOST_PATTERN.fullmatch(raw):
        raise SettingsError(f"{name}: {raw!r} is not a host name")
    return raw


def parse_http_url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name) or None
    if raw is not None and urlsplit(raw).scheme not in ("http", "https"):
        raise SettingsError(f"{name}: {raw!r} is not an http(s) URL")
    return raw
