from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel
from models.oauth import OAuthConnection
from models.user import User


class AccessToken(BaseModel):
    """A personal access token: long-lived, revocable (deleted), limited to its scopes. Only
    the SHA-256 of the token is kept (it has 256 random bits: no slower hash is needed).

    An OAuth access token is a row of this table too, naming its `connection`: it is verified,
    scoped, recorded and revoked as personal tokens are, and goes with its connection."""

    id = peewee.BigAutoField()  # never given twice (on SQLite AUTOINCREMENT: migration 011)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    name = peewee.CharField(max_length=100)
    scopes = peewee.CharField(max_length=64)  # space-separated: "tasks:read tasks:write"
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_at = peewee.DateTimeField()
    expires_at = peewee.DateTimeField(null=True)  # null: never
    last_used_at = peewee.DateTimeField(null=True)  # written at most once a minute
    connection = peewee.ForeignKeyField(
        OAuthConnection, column_name="connection_id", null=True, on_delete="CASCADE"
    )  # null: a personal token

    if TYPE_CHECKING:
        user_id: str
        connection_id: int | None

    class Meta:
        table_name = "access_tokens"
        indexes = ((("user", "created_at"), False),)
