"""What /health and /readyz say of the database (each a function run in a worker thread)."""

from __future__ import annotations

import peewee

from migrations import runner
from settings import mask_password


def database_state(db: peewee.Database) -> str:
    """ "ok", or what failed: the driver's first line, which names no password."""
    try:
        with db.connection_context():
            db.execute_sql("SELECT 1")
    except Exception as exc:
        return unreachable(exc)
    return "ok"


def readiness(db: peewee.Database) -> tuple[str, str]:
    """("ok" or what failed, "ok" or the migrations still pending)."""
    try:
        with db.connection_context():
            pending = runner.pending(db)
    except Exception as exc:
        return unreachable(exc), "unknown"
    return "ok", f"pending: {', '.join(pending)}" if pending else "ok"


def unreachable(exc: Exception) -> str:
    """ "unreachable: <type>: <the driver's first line>", which names no password."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return mask_password(f"unreachable: {type(exc).__name__}: {reason}".rstrip(": "))
