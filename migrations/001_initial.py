"""Peewee migrations -- 001_initial.py: users, tasks and their tags."""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    """Create the schema. MySQL tables use a binary collation so text compares as elsewhere."""
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []

    @migrator.create_model
    class User(pw.Model):
        id = pw.CharField(max_length=128, primary_key=True)
        email = pw.CharField(max_length=254, null=True, unique=True)
        name = pw.CharField(max_length=100, null=True)
        password_hash = pw.CharField(max_length=100, null=True)
        token_version = pw.IntegerField(default=0)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "users"
            table_settings = mysql_settings

    @migrator.create_model
    class Task(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
        title = pw.CharField(max_length=200)
        description = pw.TextField(null=True)
        search_text = pw.TextField()
        completed = pw.BooleanField(default=False)
        completed_at = pw.DateTimeField(null=True)
        priority = pw.SmallIntegerField(default=2)
        due_date = pw.DateTimeField(null=True)
        position = pw.BigIntegerField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "tasks"
            table_settings = mysql_settings
            indexes = (
                (("user", "created_at", "id"), False),
                (("user", "updated_at", "id"), False),
                (("user", "due_date", "id"), False),
                (("user", "priority", "id"), False),
                (("user", "position", "id"), False),
                (("user", "completed", "created_at"), False),
            )

    @migrator.create_model
    class TaskTag(pw.Model):
        id = pw.AutoField()
        task = pw.ForeignKeyField(Task, column_name="task_id", on_delete="CASCADE", index=False)
        name = pw.CharField(max_length=64)

        class Meta:
            table_name = "task_tags"
            table_settings = mysql_settings
            indexes = ((("task", "name"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("task_tags")
    migrator.remove_model("tasks")
    migrator.remove_model("users")
