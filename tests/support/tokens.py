"""The JWT secret the suite's settings and live servers share, and HS256 tokens signed with it
as another issuer (or someone who knows the secret) would make them."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import jwt

SECRET = "test-secret-that-is-long-enough-for-hs256!"
LIFETIME_SECONDS = 600


def signed_token(
    claims: Mapping[str, Any], *, issued_at: float | None = None, algorithm: str = "HS256"
) -> str:
    """`claims` signed with SECRET, issued at `issued_at` (now) and expiring ten minutes later,
    unless `claims` say otherwise."""
    now = int(time.time() if issued_at is None else issued_at)
    return jwt.encode({"exp": now + LIFETIME_SECONDS, "iat": now, **claims}, SECRET, algorithm=algorithm)
