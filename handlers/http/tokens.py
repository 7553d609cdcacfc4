"""Personal access tokens as the API shows them, shared by the token handlers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from domain.schemas import Scope
from domain.views import iso
from models import AccessToken


class AccessTokenOut(BaseModel):
    id: int
    name: str
    scopes: list[Scope]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None = Field(description="may lag by a minute")


class CreatedTokenOut(AccessTokenOut):
    token: str = Field(description="shown in this answer only: the service keeps its hash")


def access_token_json(row: AccessToken) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "scopes": row.scopes.split(),
        "created_at": iso(row.created_at),
        "expires_at": iso(row.expires_at),
        "last_used_at": iso(row.last_used_at),
    }
