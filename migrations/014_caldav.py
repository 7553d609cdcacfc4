"""Peewee migrations -- 014_caldav.py: tasks and lists as CalDAV resources (task apps' sync).

- tasks.uid: the task's iCalendar UID, unique per user (a CalDAV client chooses it; the service
  makes one for every other task). Existing tasks get a random one here.
- tasks.dav_name: the resource name a CalDAV client chose for the task (null: `<uid>.ics`).
- tasks.ical_extra: the iCalendar properties and components of the task's VTODO that the
  service does not model (a client's X- properties, GEO...), kept to be returned as they came.
- lists.dav_name: the collection name a CalDAV client chose with MKCALENDAR (null: the list's
  id), unique per user.
- departures: a task that left a list (deleted, or moved to another list), with the change
  that took it away, so that a list's sync-collection since an earlier change can name it;
  kept CHANGES_RETENTION_DAYS, as tombstones.
- tasks (list_id, change_seq): a list's latest change among its tasks, and its tasks changed
  since a sync point, read through the index.
"""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]

# A version 4 UUID per row, as each database writes one.
SQLITE_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)"
    " || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
    " || '-' || hex(randomblob(6)))"
)
UUID_EXPRESSIONS = {"sqlite": SQLITE_UUID, "postgresql": "gen_random_uuid()::text", "mysql": "UUID()"}


class BodyField(pw.TextField):
    field_type = "MEDIUMTEXT"  # TEXT on SQLite and PostgreSQL (models/database.py)


def dialect(database: pw.Database) -> str:
    if isinstance(database, pw.SqliteDatabase):
        return "sqlite"
    return "postgresql" if isinstance(database, pw.PostgresqlDatabase) else "mysql"


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []
    extra_type = "MEDIUMTEXT" if isinstance(database, pw.MySQLDatabase) else "TEXT"
    for statement in (
        "ALTER TABLE tasks ADD COLUMN uid VARCHAR(255) NOT NULL DEFAULT ''",
        "ALTER TABLE tasks ADD COLUMN dav_name VARCHAR(255)",
        f"ALTER TABLE tasks ADD COLUMN ical_extra {extra_type}",
        "ALTER TABLE lists ADD COLUMN dav_name VARCHAR(255)",
        f"UPDATE tasks SET uid = {UUID_EXPRESSIONS[dialect(database)]}",
    ):
        migrator.sql(statement)
    with migrator.fake():
        migrator.add_fields(
            "tasks",
            uid=pw.CharField(max_length=255, default=""),
            dav_name=pw.CharField(max_length=255, null=True),
            ical_extra=BodyField(null=True),
        )
        migrator.add_fields("lists", dav_name=pw.CharField(max_length=255, null=True))
    migrator.add_index("tasks", "user", "uid", unique=True)
    migrator.add_index("tasks", "user", "dav_name")
    migrator.add_index("tasks", "list", "change_seq")
    migrator.add_index("lists", "user", "dav_name", unique=True)

    @migrator.create_model
    class Departure(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(
            migrator.orm["users"], column_name="user_id", on_delete="CASCADE", index=False
        )
        list_id = pw.BigIntegerField()
        uid = pw.CharField(max_length=255)
        dav_name = pw.CharField(max_length=255, null=True)
        change_seq = pw.BigIntegerField()
        left_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "departures"
            table_settings = mysql_settings
            indexes = ((("list_id", "change_seq"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("departures")
    migrator.drop_index("lists", "user", "dav_name")
    migrator.drop_index("tasks", "list", "change_seq")
    migrator.drop_index("tasks", "user", "dav_name")
    migrator.drop_index("tasks", "user", "uid")
    for table, columns in (("tasks", ("ical_extra", "dav_name", "uid")), ("lists", ("dav_name",))):
        for column in columns:
            migrator.sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        with migrator.fake():
            migrator.remove_fields(table, *columns)
