"""Peewee migrations -- 004_title_key_deleted_users.py.

- tasks.title_key: the lower-cased title, so `sort=title` is case-insensitive with ties broken
  by id (sorting on search_text compared descriptions too). Filled in Python, as the service
  lower-cases (SQL's LOWER differs between databases).
- deleted_users: who deleted their account and when, so a token issued before the deletion
  cannot bring an account known only from another issuer's tokens back.
"""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


def fill_title_keys(database: pw.Database) -> None:
    rows = database.execute_sql("SELECT id, title FROM tasks").fetchall()
    for task_id, title in rows:
        database.execute_sql(
            f"UPDATE tasks SET title_key = {database.param} WHERE id = {database.param}",
            (title.lower(), task_id),
        )


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []
    migrator.sql("ALTER TABLE tasks ADD COLUMN title_key VARCHAR(400) NOT NULL DEFAULT ''")
    migrator.run(fill_title_keys, database)
    with migrator.fake():
        migrator.add_fields("tasks", title_key=pw.CharField(max_length=400, default=""))

    @migrator.create_model
    class DeletedUser(pw.Model):
        id = pw.CharField(max_length=128, primary_key=True)
        deleted_at = pw.DateTimeField()

        class Meta:
            table_name = "deleted_users"
            table_settings = mysql_settings


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("deleted_users")
    migrator.sql("ALTER TABLE tasks DROP COLUMN title_key")
    with migrator.fake():
        migrator.remove_fields("tasks", "title_key")
