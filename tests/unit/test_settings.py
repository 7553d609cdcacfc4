"""settings.py: every DATABASE_URL case of the contract, defaults, `.env`, and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings import PROJECT_DIR, SettingsError, load_settings

SECRET = "s" * 40


def load(tmp_path: Path, **env: str):
    return load_settings(
        {"DATA_DIR": str(tmp_path), "JWT_SECRET": SECRET, **env}, env_file=tmp_path / "no.env"
    )


def test_empty_database_url_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="")
    assert settings.database.dialect == "sqlite"
    assert settings.database.sqlite_path == tmp_path / "todo.db"


def test_relative_sqlite_path_is_under_the_project(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="sqlite:///./test.db")
    assert settings.database.sqlite_path == PROJECT_DIR / "test.db"


def test_absolute_sqlite_path(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/abs.db")
    assert settings.database.sqlite_path == tmp_path / "abs.db"
    assert settings.database.url == f"sqlite:///{tmp_path}/abs.db"


def test_postgres_scheme_is_normalised(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="postgres://u:pw@db.example.com:5432/todo")
    assert (settings.database.dialect, settings.database.url) == (
        "postgresql",
        "postgresql://u:pw@db.example.com:5432/todo",
    )


def test_sqlalchemy_psycopg2_driver_suffix_is_dropped(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="postgresql+psycopg2://u:pw@localhost/todo")
    assert settings.database.url == "postgresql://u:pw@localhost/todo"


def test_sqlalchemy_pymysql_driver_suffix_is_dropped(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="mysql+pymysql://u:pw@localhost:3306/todo")
    assert (settings.database.dialect, settings.database.url) == ("mysql", "mysql://u:pw@localhost:3306/todo")


def test_neon_ssl_parameters_are_kept(tmp_path: Path) -> None:
    url = "postgresql://u:pw@ep-x.eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require"
    settings = load(tmp_path, DATABASE_URL=url)
    assert settings.database.url == url


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "postgresql://user:hunter2@host:notaport/db",
        "oracle://user:hunter2@host/db",
        "postgresql+asyncpgx://user:hunter2@host/db",
        "postgresql://user:hunter2@/db",
        "mysql://user:hunter2@host",
        "sqlite://",
        "sqlite:///:memory:",
    ],
)
def test_garbage_database_url_is_one_line_with_password_masked(tmp_path: Path, url: str) -> None:
    with pytest.raises(SettingsError) as error:
        load(tmp_path, DATABASE_URL=url)
    message = str(error.value)
    assert message.startswith("DATABASE_URL:")
    assert "\n" not in message
    assert "hunter2" not in message


def test_masked_url_hides_the_password(tmp_path: Path) -> None:
    settings = load(tmp_path, DATABASE_URL="postgresql://u:pw-secret@h/db")
    assert settings.database.masked == "postgresql://u:***@h/db"


def test_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings.jwt_expires_minutes == 1440
    assert settings.cors_origins == ("*",)
    assert settings.forwarded_allow_ips == ("127.0.0.1",)
    assert (settings.host, settings.port) == ("0.0.0.0", 7860)
    assert settings.auto_migrate is True
    assert settings.bcrypt_rounds == 12
    assert settings.max_body_bytes == 65536
    assert settings.issued_token_issuer == "todo-api"


def test_settings_are_immutable(tmp_path: Path) -> None:
    settings = load(tmp_path)
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_env_file_is_read_and_real_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("JWT_EXPIRES_MINUTES=5\nPORT=9000\n")
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "JWT_SECRET": SECRET, "PORT": "8080"}, env_file=env_file
    )
    assert settings.jwt_expires_minutes == 5
    assert settings.port == 8080


def test_generated_secret_is_kept_in_data_dir(tmp_path: Path) -> None:
    first = load_settings({"DATA_DIR": str(tmp_path)}, env_file=tmp_path / "no.env")
    second = load_settings({"DATA_DIR": str(tmp_path)}, env_file=tmp_path / "no.env")
    assert first.jwt_secret_generated
    assert first.jwt_secret == second.jwt_secret
    assert len(first.jwt_secret) >= 32
    assert (tmp_path / ".jwt_secret").stat().st_mode & 0o077 == 0


def test_better_auth_secret_is_an_alias(tmp_path: Path) -> None:
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "BETTER_AUTH_SECRET": "b" * 32}, env_file=tmp_path / "no.env"
    )
    assert settings.jwt_secret == "b" * 32
    assert not settings.jwt_secret_generated


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JWT_SECRET", "short"),
        ("PORT", "http"),
        ("PORT", "70000"),
        ("BCRYPT_ROUNDS", "3"),
        ("AUTO_MIGRATE", "maybe"),
        ("LOG_LEVEL", "loud"),
        ("CORS_ORIGIN_REGEX", "(unclosed"),
        ("JWKS_URL", "file:///etc/passwd"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}:"):
        load(tmp_path, **{name: value})


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    with pytest.raises(SettingsError, match=r"^DATA_DIR:"):
        load_settings({"DATA_DIR": str(target / "sub"), "JWT_SECRET": SECRET}, env_file=tmp_path / "no.env")


@pytest.mark.parametrize(
    ("url", "expected"),
    [("", 2), ("postgresql://u:pw@localhost/todo", 10), ("mysql://u:pw@localhost/todo", 10)],
)
def test_database_threads_default_by_dialect(tmp_path: Path, url: str, expected: int) -> None:
    assert load(tmp_path, DATABASE_URL=url).db_pool_size == expected


def test_database_threads_as_set(tmp_path: Path) -> None:
    assert load(tmp_path, DATABASE_URL="", DB_POOL_SIZE="7").db_pool_size == 7
