"""Peewee migrations -- 013_oauth.py: OAuth 2.1 for /mcp (the service is its own authorization
server).

- oauth_clients: clients registered here (RFC 7591) or known by their client ID metadata
  document (the URL is the client_id), with the hash of a confidential client's secret.
- oauth_connections: a user's approval of a client, for some scopes. Its id is shown by the API
  (`/api/auth/connections/{id}`): never given twice (on SQLite the table is AUTOINCREMENT).
- oauth_codes: authorization codes (hashes), single-use, kept marked used until purged.
- oauth_refresh_tokens: refresh tokens (hashes), kept once rotated, to recognise a replay.
- access_tokens.connection_id: an OAuth access token is a personal-token row naming its
  connection; deleting the connection deletes it. Added in place (SQLite's ADD COLUMN), so the
  table keeps its AUTOINCREMENT and its sequence (migration 011).
"""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]

SQLITE_CONNECTIONS = (
    'CREATE TABLE IF NOT EXISTS "oauth_connections" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, '
    '"user_id" VARCHAR(128) NOT NULL, "client_id" INTEGER NOT NULL, "scopes" VARCHAR(64) NOT NULL, '
    '"created_at" DATETIME NOT NULL, "last_used_at" DATETIME, '
    'FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, '
    'FOREIGN KEY ("client_id") REFERENCES "oauth_clients" ("id") ON DELETE CASCADE)',
    'CREATE INDEX IF NOT EXISTS "oauthconnection_client_id" ON "oauth_connections" ("client_id")',
    'CREATE INDEX IF NOT EXISTS "oauthconnection_user_id_id" ON "oauth_connections" ("user_id", "id")',
)


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []
    users = migrator.orm["users"]

    @migrator.create_model
    class OAuthClient(pw.Model):
        id = pw.BigAutoField()
        client_id = pw.CharField(max_length=255, unique=True)
        name = pw.CharField(max_length=100, null=True)
        redirect_uris = pw.TextField()
        auth_method = pw.CharField(max_length=32)
        secret_hash = pw.CharField(max_length=64, null=True)
        registered_from = pw.CharField(max_length=64, null=True)
        created_at = pw.DateTimeField()
        document_expires_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "oauth_clients"
            table_settings = mysql_settings
            indexes = ((("registered_from", "created_at"), False),)

    class OAuthConnection(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(users, column_name="user_id", on_delete="CASCADE", index=False)
        client = pw.ForeignKeyField(OAuthClient, column_name="client_id", on_delete="CASCADE")
        scopes = pw.CharField(max_length=64)
        created_at = pw.DateTimeField()
        last_used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "oauth_connections"
            table_settings = mysql_settings
            indexes = ((("user", "id"), False),)

    if isinstance(database, pw.SqliteDatabase):
        for statement in SQLITE_CONNECTIONS:
            migrator.sql(statement)
        with migrator.fake():
            migrator.create_model(OAuthConnection)
    else:
        migrator.create_model(OAuthConnection)

    @migrator.create_model
    class OAuthCode(pw.Model):
        code_hash = pw.CharField(max_length=64, primary_key=True)
        client = pw.ForeignKeyField(OAuthClient, column_name="client_id", on_delete="CASCADE", index=False)
        user = pw.ForeignKeyField(users, column_name="user_id", on_delete="CASCADE", index=False)
        redirect_uri = pw.CharField(max_length=2000)
        code_challenge = pw.CharField(max_length=128)
        scopes = pw.CharField(max_length=64)
        expires_at = pw.DateTimeField(index=True)
        used_at = pw.DateTimeField(null=True)
        connection = pw.ForeignKeyField(
            OAuthConnection, column_name="connection_id", null=True, on_delete="CASCADE", index=False
        )

        class Meta:
            table_name = "oauth_codes"
            table_settings = mysql_settings

    @migrator.create_model
    class OAuthRefreshToken(pw.Model):
        token_hash = pw.CharField(max_length=64, primary_key=True)
        connection = pw.ForeignKeyField(OAuthConnection, column_name="connection_id", on_delete="CASCADE")
        expires_at = pw.DateTimeField(index=True)
        rotated_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "oauth_refresh_tokens"
            table_settings = mysql_settings

    migrator.add_fields(
        "access_tokens",
        connection=pw.ForeignKeyField(
            OAuthConnection, column_name="connection_id", null=True, on_delete="CASCADE"
        ),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.MySQLDatabase):  # the foreign key holds on to the index
        migrator.sql(
            "ALTER TABLE access_tokens DROP FOREIGN KEY fk_access_tokens_connection_id_refs_oauth_connections"
        )
    migrator.drop_index("access_tokens", "connection")
    migrator.remove_fields("access_tokens", "connection")
    migrator.remove_model("oauth_refresh_tokens")
    migrator.remove_model("oauth_codes")
    migrator.remove_model("oauth_connections")
    migrator.remove_model("oauth_clients")
