"""A user as JSON, and the token answer of signup and login."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from domain.views import iso
from handlers.http.responses import json_response
from models import User
from runtime.token_service import TokenService


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "time_zone": user.time_zone,
        "created_at": iso(user.created_at),
    }


# Answers that carry a token are kept by no cache, shared or private.
NO_STORE = {"Cache-Control": "no-store"}


def token_response(tokens: TokenService, user: User, status: int = 200) -> Response:
    """A new token for `user`, with the user, as signup and login answer."""
    token, lifetime = tokens.issue(user.id, user.email, user.token_version)
    body = {"access_token": token, "token_type": "bearer", "expires_in": lifetime, "user": user_json(user)}
    return json_response(body, status=status, headers=NO_STORE)
