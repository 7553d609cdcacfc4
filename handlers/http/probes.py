"""What /health and /readyz say of a database that does not answer."""

from __future__ import annotations

from settings import mask_password


def unreachable(exc: Exception) -> str:
    """ "unreachable: <type>: <the driver's first line>", which names no password."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return mask_password(f"unreachable: {type(exc).__name__}: {reason}".rstrip(": "))
