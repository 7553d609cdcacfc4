"""Peewee migrations -- 007_access_tokens.py: personal access tokens (scripts and AI agents)."""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []

    @migrator.create_model
    class AccessToken(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(
            migrator.orm["users"], column_name="user_id", on_delete="CASCADE", index=False
        )
        name = pw.CharField(max_length=100)
        scopes = pw.CharField(max_length=64)
        token_hash = pw.CharField(max_length=64, unique=True)
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField(null=True)
        last_used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "access_tokens"
            table_settings = mysql_settings
            indexes = ((("user", "created_at"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("access_tokens")
