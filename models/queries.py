"""The reads and writes every request makes, as statements peewee compiles once (statements.py).

Run inside a database call (handlers/common/db.py), like any peewee query.
"""

from __future__ import annotations

import peewee

from models.base import bound_database
from models.database import is_sqlite
from models.statements import Statement
from models.task import Task, TaskTag
from models.user import User

# What a change can touch, then what an insert adds: each in peewee's column order (the order
# the fields are declared in), which is the order it binds them.
EDITABLE = (
    Task.title,
    Task.title_key,
    Task.description,
    Task.search_text,
    Task.completed,
    Task.completed_at,
    Task.priority,
    Task.due_date,
    Task.position,
)
INSERTED = (Task.user, *EDITABLE, Task.created_at, Task.updated_at)


def select_task(task_id: int, user_id: str) -> peewee.Query:
    return Task.select().where((Task.id == task_id) & (Task.user == user_id))


def insert_task_query(*values: object) -> peewee.Query:
    query = Task.insert(dict(zip(INSERTED, values, strict=True)))
    return query.returning(Task.id) if bound_database().returning_clause else query


def insert_tags_query(*pairs: object) -> peewee.Query:
    """`pairs`: task id, name, task id, name... (the order peewee binds them in)."""
    task_ids, names = pairs[::2], pairs[1::2]
    rows = [{TaskTag.task: task, TaskTag.name: name} for task, name in zip(task_ids, names, strict=True)]
    return TaskTag.insert_many(rows)


USER_BY_ID = Statement(lambda user_id: User.select().where(User.id == user_id))
# The constant stays in the text (peewee would bind a plain 1; see Statement).
RAISE_TASKS_VERSION = Statement(
    lambda user_id: User.update(tasks_version=User.tasks_version + peewee.SQL("1")).where(User.id == user_id)
)
TASK_OF_USER = Statement(select_task)
TASK_OF_USER_FOR_UPDATE = Statement(lambda task_id, user_id: select_task(task_id, user_id).for_update())
TAGS_OF_TASKS = Statement(
    lambda *task_ids: (
        TaskTag.select(TaskTag.task, TaskTag.name).where(TaskTag.task.in_(task_ids)).order_by(TaskTag.id)
    )
)
UPDATE_TASK = Statement(
    lambda *values: Task.update(dict(zip((*EDITABLE, Task.updated_at), values[:-1], strict=True))).where(
        Task.id == values[-1]
    )
)
INSERT_TASK = Statement(insert_task_query)
INSERT_TAGS = Statement(insert_tags_query)


def user_by_id(user_id: str) -> User | None:
    return USER_BY_ID.first(User, user_id)


def task_of_user(task_id: int, user_id: str, *, for_update: bool = False) -> Task | None:
    """`for_update` locks the row where the database can (SQLite's writers are one at a time)."""
    locks = for_update and not is_sqlite(bound_database())
    return (TASK_OF_USER_FOR_UPDATE if locks else TASK_OF_USER).first(Task, task_id, user_id)


def tags_of_tasks(task_ids: list[int]) -> list[tuple[int, str]]:
    """(task id, name) of every tag of these tasks, in the order they were added."""
    return TAGS_OF_TASKS.rows(*task_ids, shape=len(task_ids)) if task_ids else []


def update_task_row(task: Task) -> None:
    """Write what a change can touch, and `updated_at`."""
    UPDATE_TASK.execute(*(getattr(task, field.name) for field in EDITABLE), task.updated_at, task.id)


def insert_task_row(task: Task) -> None:
    """Insert `task` and set its new id."""
    task.id = INSERT_TASK.insert(task.user_id, *(getattr(task, field.name) for field in INSERTED[1:]))


def insert_tags(task_id: int, names: list[str]) -> None:
    if names:
        INSERT_TAGS.execute(*(value for name in names for value in (task_id, name)), shape=len(names))
