"""What the OAuth door keeps (migration 013): the clients that may ask, the connections users
approved, and the authorization codes and refresh tokens of those connections. A connection's
access tokens are personal-token rows that name it (`AccessToken.connection`). Only SHA-256
hashes of codes, tokens and client secrets are kept: each has 256 random bits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel
from models.user import User


class OAuthClient(BaseModel):
    """A client: registered here (RFC 7591), or known by its client ID metadata document, whose
    URL is its `client_id` and which is fetched again once `document_expires_at` has passed."""

    id = peewee.BigAutoField()
    client_id = peewee.CharField(max_length=255, unique=True)
    name = peewee.CharField(max_length=100, null=True)
    redirect_uris = peewee.TextField()  # a JSON array of strings, as registered
    auth_method = peewee.CharField(max_length=32)  # none, client_secret_post, client_secret_basic
    secret_hash = peewee.CharField(max_length=64, null=True)
    registered_from = peewee.CharField(max_length=64, null=True)  # the registering address
    created_at = peewee.DateTimeField()
    document_expires_at = peewee.DateTimeField(null=True)  # a metadata document's: fetch again after

    class Meta:
        table_name = "oauth_clients"
        indexes = ((("registered_from", "created_at"), False),)


class OAuthConnection(BaseModel):
    """A user's approval of a client, for `scopes`: the grant its tokens stand on. Deleting it
    deletes its codes, refresh tokens and access tokens (foreign keys), so a disconnected
    client's tokens stop working at once, on every worker and replica."""

    id = peewee.BigAutoField()  # never given twice (on SQLite AUTOINCREMENT: migration 013)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    client = peewee.ForeignKeyField(OAuthClient, column_name="client_id", on_delete="CASCADE")
    scopes = peewee.CharField(max_length=64)  # space-separated, as approved
    created_at = peewee.DateTimeField()
    last_used_at = peewee.DateTimeField(null=True)  # its tokens' last use, a minute's lag at most

    if TYPE_CHECKING:
        user_id: str
        client_id: int

    class Meta:
        table_name = "oauth_connections"
        indexes = ((("user", "id"), False),)


class OAuthCode(BaseModel):
    """An authorization code: approved by `user` for `client`, redeemable once before it
    expires. Redeeming it makes `connection`; the row stays, marked used, until it is purged,
    so a second redemption is seen as the replay it is."""

    code_hash = peewee.CharField(max_length=64, primary_key=True)
    client = peewee.ForeignKeyField(OAuthClient, column_name="client_id", on_delete="CASCADE", index=False)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    redirect_uri = peewee.CharField(max_length=2000)
    code_challenge = peewee.CharField(max_length=128)  # PKCE, S256
    scopes = peewee.CharField(max_length=64)
    expires_at = peewee.DateTimeField(index=True)
    used_at = peewee.DateTimeField(null=True)
    connection = peewee.ForeignKeyField(
        OAuthConnection, column_name="connection_id", null=True, on_delete="CASCADE", index=False
    )

    if TYPE_CHECKING:
        client_id: int
        user_id: str
        connection_id: int | None

    class Meta:
        table_name = "oauth_codes"


class OAuthRefreshToken(BaseModel):
    """A refresh token of a connection. Using it rotates it: `rotated_at` is set and a new one
    made. A rotated token is kept until it expires, so that presenting it again is recognised
    (reuse detection: the whole connection is revoked)."""

    token_hash = peewee.CharField(max_length=64, primary_key=True)
    connection = peewee.ForeignKeyField(OAuthConnection, column_name="connection_id", on_delete="CASCADE")
    expires_at = peewee.DateTimeField(index=True)
    rotated_at = peewee.DateTimeField(null=True)

    if TYPE_CHECKING:
        connection_id: int

    class Meta:
        table_name = "oauth_refresh_tokens"
