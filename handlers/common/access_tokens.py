"""Personal access tokens as the API shows them, shared by the token handlers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from handlers.common.responses import iso
from handlers.common.schemas import trimmed_text, trimmed_text_pattern
from models import AccessToken

Scope = Literal["tasks:read", "tasks:write"]
TokenName = Annotated[
    str,
    Field(json_schema_extra={"pattern": trimmed_text_pattern(100)}),
    AfterValidator(lambda value: trimmed_text(value, 100, "name")),
]


def unique_scopes(scopes: list[Scope]) -> list[Scope]:
    return list(dict.fromkeys(scopes))


class TokenCreate(BaseModel):
    name: TokenName
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=2), AfterValidator(unique_scopes)] = [
        "tasks:read",
        "tasks:write",
    ]
    expires_in_days: int | None = Field(default=90, ge=1, le=365, description="null: never expires")


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
