"""A user as JSON, and the token answer of signup and login."""

from __future__ import annotations

from typing import Any

from handlers.common.responses import iso
from handlers.common.tokens import TokenService
from models import User


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "created_at": iso(user.created_at),
    }


def token_json(tokens: TokenService, user: User) -> dict[str, Any]:
    token, lifetime = tokens.issue(user.id, user.email, user.token_version)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": lifetime,
        "user": user_json(user),
    }
