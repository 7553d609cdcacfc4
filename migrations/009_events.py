"""Peewee migrations -- 009_events.py: the outbox of events, event-stream tickets, webhooks.

- events: every change's events, written in the change's own transaction. Their ids must grow
  in commit order per user and never be used twice: SQLite's table is AUTOINCREMENT (a plain
  rowid may be used again once the highest row is gone); PostgreSQL's and MySQL's sequences
  never go back.
- event_tickets: one-use tickets for browsers' EventSource (which cannot send headers).
- webhooks, webhook_attempts: the URLs that hear of a user's events, and the delivery log.
"""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]

SQLITE_EVENTS = (
    'CREATE TABLE IF NOT EXISTS "events" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, '
    '"user_id" VARCHAR(128) NOT NULL, "type" VARCHAR(32) NOT NULL, "at" DATETIME NOT NULL, '
    '"data" TEXT NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)',
    'CREATE INDEX IF NOT EXISTS "event_at" ON "events" ("at")',
    'CREATE INDEX IF NOT EXISTS "event_user_id_id" ON "events" ("user_id", "id")',
)


class BodyField(pw.TextField):
    field_type = "MEDIUMTEXT"  # TEXT on SQLite and PostgreSQL (models/database.py)


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []
    users = migrator.orm["users"]

    class Event(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(users, column_name="user_id", on_delete="CASCADE", index=False)
        type = pw.CharField(max_length=32)
        at = pw.DateTimeField(index=True)
        data = BodyField()

        class Meta:
            table_name = "events"
            table_settings = mysql_settings
            indexes = ((("user", "id"), False),)

    if isinstance(database, pw.SqliteDatabase):
        for statement in SQLITE_EVENTS:
            migrator.sql(statement)
        with migrator.fake():
            migrator.create_model(Event)
    else:
        migrator.create_model(Event)

    @migrator.create_model
    class EventTicket(pw.Model):
        ticket_hash = pw.CharField(max_length=64, primary_key=True)
        user = pw.ForeignKeyField(users, column_name="user_id", on_delete="CASCADE", index=False)
        expires_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "event_tickets"
            table_settings = mysql_settings

    @migrator.create_model
    class Webhook(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(users, column_name="user_id", on_delete="CASCADE", index=False)
        url = pw.CharField(max_length=2000)
        events = pw.CharField(max_length=400)
        secret = pw.CharField(max_length=100)
        created_at = pw.DateTimeField()
        active = pw.BooleanField(default=True)
        cursor = pw.BigIntegerField(default=0)
        attempts = pw.IntegerField(default=0)
        failing_since = pw.DateTimeField(null=True)
        next_attempt_at = pw.DateTimeField(null=True)
        claimed_by = pw.CharField(max_length=64, null=True)
        claimed_until = pw.DateTimeField(null=True)

        class Meta:
            table_name = "webhooks"
            table_settings = mysql_settings
            indexes = ((("user", "id"), False), (("active", "next_attempt_at"), False))

    @migrator.create_model
    class WebhookAttempt(pw.Model):
        id = pw.BigAutoField()
        webhook = pw.ForeignKeyField(
            migrator.orm["webhooks"], column_name="webhook_id", on_delete="CASCADE", index=False
        )
        event_id = pw.BigIntegerField()
        type = pw.CharField(max_length=32)
        attempt = pw.IntegerField()
        status_code = pw.IntegerField(null=True)
        error = pw.CharField(max_length=300, null=True)
        at = pw.DateTimeField()
        next_attempt_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "webhook_attempts"
            table_settings = mysql_settings
            indexes = ((("webhook", "id"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("webhook_attempts")
    migrator.remove_model("webhooks")
    migrator.remove_model("event_tickets")
    migrator.remove_model("events")
