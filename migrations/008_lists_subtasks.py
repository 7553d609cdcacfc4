"""Peewee migrations -- 008_lists_subtasks.py: lists, subtasks and manual ordering.

- lists: a user's lists of tasks, each with its place among them (`position`) and its counts.
- users.default_list_id: the user's Inbox.
- tasks.list_id, tasks.parent_id, tasks.sort_key: the list a task is in, its parent task (a
  subtask), and where it sorts among its siblings (the API's `position`).

Position keys compare byte by byte (domain/positions.py): PostgreSQL's columns say
COLLATE "C" (its default collation would put `a` before `B`); SQLite and our MySQL tables
(utf8mb4_bin) compare bytes already.

Every user gets an Inbox holding all their tasks, ordered by the earlier contract's `order`
(tasks without one after, oldest first). A task's fields and version stay as they were; the
tasks and the Inbox are numbered as one new change of the user, so a client following the
change feed learns their `list_id` and `position`.
"""

import datetime as dt

import fractional_indexing
import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


def key_column(database: pw.Database, null: bool) -> str:
    collation = ' COLLATE "C"' if isinstance(database, pw.PostgresqlDatabase) else ""
    return f"VARCHAR(255){collation}{'' if null else ' NOT NULL'}"


def add_task_columns(database: pw.Database) -> list[str]:
    statements = ["ALTER TABLE users ADD COLUMN default_list_id BIGINT"]
    if isinstance(database, pw.MySQLDatabase):  # MySQL ignores a REFERENCES written inline
        statements += [
            "ALTER TABLE tasks ADD COLUMN list_id BIGINT, ADD COLUMN parent_id BIGINT",
            "ALTER TABLE tasks ADD CONSTRAINT fk_tasks_list_id_refs_lists FOREIGN KEY (list_id) "
            "REFERENCES lists (id) ON DELETE CASCADE",
            "ALTER TABLE tasks ADD CONSTRAINT fk_tasks_parent_id_refs_tasks FOREIGN KEY (parent_id) "
            "REFERENCES tasks (id) ON DELETE CASCADE",
        ]
    else:
        statements += [
            "ALTER TABLE tasks ADD COLUMN list_id BIGINT REFERENCES lists (id) ON DELETE CASCADE",
            "ALTER TABLE tasks ADD COLUMN parent_id BIGINT REFERENCES tasks (id) ON DELETE CASCADE",
        ]
    return [*statements, f"ALTER TABLE tasks ADD COLUMN sort_key {key_column(database, null=True)}"]


def fill_inboxes(database: pw.Database) -> None:
    """An Inbox for every user, with their tasks in it, in one new change of the user."""
    param = database.param
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # naive UTC, as models/base.py
    for (user_id,) in database.execute_sql("SELECT id FROM users ORDER BY id").fetchall():
        rows = database.execute_sql(
            f"SELECT id, completed, position FROM tasks WHERE user_id = {param}", (user_id,)
        ).fetchall()
        tasks = sorted(rows, key=lambda task: (task[2] is None, task[2] or 0, task[0]))
        database.execute_sql(
            f"UPDATE users SET tasks_version = tasks_version + 1 WHERE id = {param}", (user_id,)
        )
        (seq,) = database.execute_sql(
            f"SELECT tasks_version FROM users WHERE id = {param}", (user_id,)
        ).fetchone()
        open_count = sum(1 for task in tasks if not task[1])
        database.execute_sql(
            "INSERT INTO lists (user_id, name, name_key, position, task_count, open_count, version, "
            f"change_seq, created_at, updated_at) VALUES ({', '.join([param] * 10)})",
            (user_id, "Inbox", "inbox", "a0", len(tasks), open_count, 1, seq, now, now),
        )
        (list_id,) = database.execute_sql(
            f"SELECT id FROM lists WHERE user_id = {param}", (user_id,)
        ).fetchone()
        database.execute_sql(
            f"UPDATE users SET default_list_id = {param} WHERE id = {param}", (list_id, user_id)
        )
        keys = fractional_indexing.generate_n_keys_between(None, None, len(tasks))
        for (task_id, _, _), key in zip(tasks, keys, strict=True):
            database.execute_sql(
                f"UPDATE tasks SET list_id = {param}, sort_key = {param}, change_seq = {param} "
                f"WHERE id = {param}",
                (list_id, key, seq, task_id),
            )


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []

    @migrator.create_model
    class TodoList(pw.Model):
        id = pw.BigAutoField()
        user = pw.ForeignKeyField(
            migrator.orm["users"], column_name="user_id", on_delete="CASCADE", index=False
        )
        name = pw.CharField(max_length=100)
        name_key = pw.CharField(max_length=400)
        color = pw.CharField(max_length=16, null=True)
        position = pw.CharField(
            max_length=255, collation='"C"' if isinstance(database, pw.PostgresqlDatabase) else None
        )
        task_count = pw.IntegerField(default=0)
        open_count = pw.IntegerField(default=0)
        version = pw.BigIntegerField(default=1)
        change_seq = pw.BigIntegerField(default=0)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "lists"
            table_settings = mysql_settings
            indexes = (
                (("user", "name_key"), True),
                (("user", "position", "id"), False),
                (("user", "change_seq", "id"), False),
            )

    for statement in add_task_columns(database):
        migrator.sql(statement)
    with migrator.fake():
        migrator.add_fields("users", default_list_id=pw.BigIntegerField(null=True))
        migrator.add_fields(
            "tasks",
            list=pw.ForeignKeyField(
                migrator.orm["lists"], column_name="list_id", on_delete="CASCADE", null=True, index=False
            ),
            parent=pw.ForeignKeyField(
                "self", column_name="parent_id", on_delete="CASCADE", null=True, index=False
            ),
            sort_key=pw.CharField(max_length=255, null=True),
        )
    migrator.add_index("tasks", "list", "parent", "sort_key", "id")
    migrator.add_index("tasks", "list", "created_at", "id")
    migrator.add_index("tasks", "user", "sort_key", "id")
    migrator.add_index("tasks", "parent")
    migrator.run(fill_inboxes, database)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if isinstance(database, pw.MySQLDatabase):  # its foreign keys hold on to the indexes below
        migrator.sql("ALTER TABLE tasks DROP FOREIGN KEY fk_tasks_parent_id_refs_tasks")
        migrator.sql("ALTER TABLE tasks DROP FOREIGN KEY fk_tasks_list_id_refs_lists")
    migrator.drop_index("tasks", "parent")
    migrator.drop_index("tasks", "user", "sort_key", "id")
    migrator.drop_index("tasks", "list", "created_at", "id")
    migrator.drop_index("tasks", "list", "parent", "sort_key", "id")
    migrator.remove_fields("tasks", "sort_key", "parent", "list")
    migrator.remove_fields("users", "default_list_id")
    migrator.remove_model("lists")
