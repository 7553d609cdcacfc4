"""Connected apps (OAuth connections) as the API shows them, shared by their handlers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from domain.schemas import Scope
from domain.views import iso
from models import OAuthConnection


class ConnectionOut(BaseModel):
    id: int
    client_id: str = Field(description="the client's id: a registration's, or its metadata document's URL")
    client_name: str | None
    scopes: list[Scope]
    created_at: dt.datetime
    last_used_at: dt.datetime | None = Field(description="may lag by a minute")


def connection_json(row: OAuthConnection) -> dict[str, Any]:
    return {
        "id": row.id,
        "client_id": row.client.client_id,
        "client_name": row.client.name,
        "scopes": row.scopes.split(),
        "created_at": iso(row.created_at),
        "last_used_at": iso(row.last_used_at),
    }
