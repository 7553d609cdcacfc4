"""Peewee migrations -- 010_recurrence_reminders.py: recurring tasks, time zones, reminders.

- users.time_zone: the IANA zone a new task takes unless it says its own (UTC until set).
- tasks.recurrence, time_zone, series_id, previous_id, occurrence: a recurring task's rule, the
  zone its occurrences keep their wall-clock time in, the series it belongs to, the occurrence
  it was made to follow (unique: each occurrence has at most one successor, whatever races),
  and its number in the series (what COUNT counts).
- tasks.reminders: the task's reminders as the API shows them (JSON), read with the task.
- reminders: one row per reminder of a task, `fire_at` set while it is armed; the scheduler
  finds due ones by the index on it.
"""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []
    for statement in (
        "ALTER TABLE users ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC'",
        "ALTER TABLE tasks ADD COLUMN recurrence VARCHAR(500)",
        "ALTER TABLE tasks ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC'",
        "ALTER TABLE tasks ADD COLUMN series_id BIGINT",
        "ALTER TABLE tasks ADD COLUMN previous_id BIGINT",
        "ALTER TABLE tasks ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE tasks ADD COLUMN reminders TEXT",
    ):
        migrator.sql(statement)
    with migrator.fake():
        migrator.add_fields("users", time_zone=pw.CharField(max_length=64, default="UTC"))
        migrator.add_fields(
            "tasks",
            recurrence=pw.CharField(max_length=500, null=True),
            time_zone=pw.CharField(max_length=64, default="UTC"),
            series_id=pw.BigIntegerField(null=True),
            previous_id=pw.BigIntegerField(null=True),
            occurrence=pw.IntegerField(default=1),
            reminders=pw.TextField(null=True),
        )
    migrator.add_index("tasks", "previous_id", unique=True)

    @migrator.create_model
    class Reminder(pw.Model):
        id = pw.BigAutoField()
        task = pw.ForeignKeyField(migrator.orm["tasks"], column_name="task_id", on_delete="CASCADE")
        user = pw.ForeignKeyField(
            migrator.orm["users"], column_name="user_id", on_delete="CASCADE", index=False
        )
        spec = pw.CharField(max_length=100)
        fire_at = pw.DateTimeField(null=True, index=True)
        fired_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "reminders"
            table_settings = mysql_settings
            indexes = ((("user", "fire_at"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("reminders")
    migrator.drop_index("tasks", "previous_id")
    columns = ("reminders", "occurrence", "previous_id", "series_id", "time_zone", "recurrence")
    for column in columns:
        migrator.sql(f"ALTER TABLE tasks DROP COLUMN {column}")
    migrator.sql("ALTER TABLE users DROP COLUMN time_zone")
    with migrator.fake():
        migrator.remove_fields("tasks", *columns)
        migrator.remove_fields("users", "time_zone")
