"""Peewee migrations -- 006_write_safety.py: versions, the change feed, idempotency keys.

- tasks.version: 1 when created, one more with every change (ETags, If-Match).
- tasks.change_seq: the user's change sequence (users.tasks_version) at the task's last change;
  the change feed reads tasks in that order. Existing tasks get 0: a full sync takes them all.
- tombstones: deleted entities, kept CHANGES_RETENTION_DAYS for the feed.
- idempotency_keys: the first answer to each (user, Idempotency-Key), kept IDEMPOTENCY_TTL_HOURS.
"""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


class BodyField(pw.TextField):
    field_type = "MEDIUMTEXT"  # TEXT on SQLite and PostgreSQL (models/database.py)


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []
    migrator.sql("ALTER TABLE tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1")
    migrator.sql("ALTER TABLE tasks ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0")
    with migrator.fake():
        migrator.add_fields(
            "tasks", version=pw.BigIntegerField(default=1), change_seq=pw.BigIntegerField(default=0)
        )
    migrator.add_index("tasks", "user", "change_seq", "id")

    @migrator.create_model
    class Tombstone(pw.Model):
        kind = pw.CharField(max_length=16)
        entity_id = pw.BigIntegerField()
        user = pw.ForeignKeyField(
            migrator.orm["users"], column_name="user_id", on_delete="CASCADE", index=False
        )
        version = pw.BigIntegerField()
        change_seq = pw.BigIntegerField()
        deleted_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "tombstones"
            table_settings = mysql_settings
            primary_key = pw.CompositeKey("kind", "entity_id")
            indexes = ((("user", "change_seq"), False),)

    @migrator.create_model
    class IdempotencyKey(pw.Model):
        user = pw.ForeignKeyField(
            migrator.orm["users"], column_name="user_id", on_delete="CASCADE", index=False
        )
        key = pw.CharField(max_length=255)
        fingerprint = pw.CharField(max_length=64)
        status = pw.SmallIntegerField(null=True)
        headers = pw.TextField(null=True)
        body = BodyField(null=True)
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "idempotency_keys"
            table_settings = mysql_settings
            primary_key = pw.CompositeKey("user", "key")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("idempotency_keys")
    migrator.remove_model("tombstones")
    migrator.drop_index("tasks", "user", "change_seq", "id")
    migrator.sql("ALTER TABLE tasks DROP COLUMN change_seq")
    migrator.sql("ALTER TABLE tasks DROP COLUMN version")
    with migrator.fake():
        migrator.remove_fields("tasks", "change_seq", "version")
