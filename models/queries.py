"""The reads and writes every request makes, as statements peewee compiles once (statements.py).

Run inside a database call (domain/unit_of_work.py), like any peewee query. Each statement is
built by a named function of its values; the columns a task write sends come from the model.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable

import peewee

from models.access_token import AccessToken
from models.base import bound_database
from models.database import is_sqlite
from models.events import Event
from models.lists import TodoList
from models.reminder import Reminder
from models.statements import Statement
from models.task import Task, TaskTag
from models.user import User


def task_columns(*leaving_out: peewee.Field) -> tuple[peewee.Field, ...]:
    """Task's columns in the order they are declared, which is the order peewee binds them in.
    (Compared by name: a field's `==` builds an SQL expression.)"""
    left_out = {field.name for field in leaving_out}
    return tuple(field for field in Task._meta.sorted_fields if field.name not in left_out)


# What a change writes and what an insert writes: every column but those the server sets once.
CHANGED = task_columns(Task.id, Task.user, Task.created_at)
INSERTED = task_columns(Task.id)


def column_values(task: Task, columns: tuple[peewee.Field, ...]) -> list[object]:
    """`task`'s values for `columns` (a foreign key's own id, not the row it names)."""
    return [getattr(task, attribute_name(column)) for column in columns]


def attribute_name(column: peewee.Field) -> str:
    """Where a model instance holds the column's value: a foreign key's id is `<name>_id`."""
    return str(column.object_id_name) if isinstance(column, peewee.ForeignKeyField) else column.name


def user_query(user_id: str) -> peewee.ModelSelect[User]:
    return User.select().where(User.id == user_id)


def user_for_update_query(user_id: str) -> peewee.ModelSelect[User]:
    return user_query(user_id).for_update()


def tasks_version_query(tasks_version: int, user_id: str) -> peewee.ModelUpdate:
    return User.update(tasks_version=tasks_version).where(User.id == user_id)


def task_query(task_id: int, user_id: str) -> peewee.ModelSelect[Task]:
    return Task.select().where((Task.id == task_id) & (Task.user == user_id))


def task_for_update_query(task_id: int, user_id: str) -> peewee.ModelSelect[Task]:
    return task_query(task_id, user_id).for_update()


def tags_query(*task_ids: int) -> peewee.ModelSelect[TaskTag]:
    return TaskTag.select(TaskTag.task, TaskTag.name).where(TaskTag.task.in_(task_ids)).order_by(TaskTag.id)


def task_update_query(columns: tuple[peewee.Field, ...], *values: object) -> peewee.ModelUpdate:
    """`values`: one for each of `columns`, then the task's id."""
    *changed, task_id = values
    return Task.update(dict(zip(columns, changed, strict=True))).where(Task.id == task_id)


def task_insert_query(*values: object) -> peewee.ModelInsert:
    """`values`: one for each of INSERTED."""
    query = Task.insert(dict(zip(INSERTED, values, strict=True)))
    return query.returning(Task.id) if bound_database().returning_clause else query


def tags_insert_query(*pairs: object) -> peewee.ModelInsert:
    """`pairs`: task id, name, task id, name... (the order peewee binds them in)."""
    task_ids, names = pairs[::2], pairs[1::2]
    rows = [{TaskTag.task: task, TaskTag.name: name} for task, name in zip(task_ids, names, strict=True)]
    return TaskTag.insert_many(rows)


REMINDER_COLUMNS = (Reminder.task, Reminder.user, Reminder.spec, Reminder.fire_at)


def reminders_insert_query(*values: object) -> peewee.ModelInsert:
    """`values`: task id, user id, spec, fire_at, for each row in turn."""
    width = len(REMINDER_COLUMNS)
    rows = [values[start : start + width] for start in range(0, len(values), width)]
    return Reminder.insert_many(rows, fields=list(REMINDER_COLUMNS))


def list_counts_query(
    tasks: int, open_tasks: int, seq: int, list_id: int, user_id: str
) -> peewee.ModelUpdate:
    """Add to a list's counts, as a change of the list."""
    counts = {
        TodoList.task_count: TodoList.task_count + tasks,
        TodoList.open_count: TodoList.open_count + open_tasks,
        TodoList.version: TodoList.version + peewee.SQL("1"),
        TodoList.change_seq: seq,
    }
    return TodoList.update(counts).where((TodoList.id == list_id) & (TodoList.user == user_id))


def last_key_query(list_id: int, *parent_id: int) -> peewee.ModelSelect[Task]:
    """The greatest position key among the top-level tasks of a list, or a parent's subtasks."""
    parent = Task.parent == parent_id[0] if parent_id else Task.parent.is_null()
    return Task.select(peewee.fn.MAX(Task.sort_key)).where((Task.list == list_id) & parent)


def users_versions_query(*user_ids: str) -> peewee.ModelSelect[User]:
    return User.select(User.id, User.tasks_version, User.token_version).where(User.id.in_(user_ids))


def personal_tokens_query(*token_hashes: str) -> peewee.ModelSelect[AccessToken]:
    columns = (AccessToken.token_hash, AccessToken.expires_at)
    return AccessToken.select(*columns).where(AccessToken.token_hash.in_(token_hashes))


def access_token_query(token_hash: str) -> peewee.ModelSelect[AccessToken]:
    return AccessToken.select().where(AccessToken.token_hash == token_hash)


def list_query(list_id: int, user_id: str) -> peewee.ModelSelect[TodoList]:
    return TodoList.select().where((TodoList.id == list_id) & (TodoList.user == user_id))


def event_insert_query(user_id: str, type_name: str, at: dt.datetime, data: str) -> peewee.ModelInsert:
    return Event.insert({Event.user: user_id, Event.type: type_name, Event.at: at, Event.data: data})


USER_BY_ID = Statement(user_query)
USER_BY_ID_FOR_UPDATE = Statement(user_for_update_query)
SET_TASKS_VERSION = Statement(tasks_version_query)
TASK_OF_USER = Statement(task_query)
TASK_OF_USER_FOR_UPDATE = Statement(task_for_update_query)
TAGS_OF_TASKS = Statement(tags_query)
UPDATE_TASK = Statement(functools.partial(task_update_query, CHANGED))
# An UPDATE of the columns that changed (by their places in CHANGED): a column an UPDATE names
# has each index on it written again, even with its value unchanged, and tasks have many.
UPDATE_TASK_COLUMNS: dict[tuple[int, ...], Statement] = {}
INSERT_TASK = Statement(task_insert_query)
INSERT_TAGS = Statement(tags_insert_query)
INSERT_REMINDERS = Statement(reminders_insert_query)
COUNT_LIST_TASKS = Statement(list_counts_query)
LAST_KEY = Statement(last_key_query)
INSERT_EVENT = Statement(event_insert_query)
ACCESS_TOKEN_BY_HASH = Statement(access_token_query)
LIST_OF_USER = Statement(list_query)
# The event hub's reads, several times a second (runtime/event_hub.py).
USERS_VERSIONS = Statement(users_versions_query)
PERSONAL_TOKENS = Statement(personal_tokens_query)
IN_LIMIT = 512  # keys in one IN (...): far below any database's limit on bound values


def user_by_id(user_id: str, *, for_update: bool = False) -> User | None:
    """`for_update` locks the row where the database can (SQLite's writers are one at a time)."""
    locks = for_update and not is_sqlite(bound_database())
    return (USER_BY_ID_FOR_UPDATE if locks else USER_BY_ID).first(User, user_id)


def task_of_user(task_id: int, user_id: str, *, for_update: bool = False) -> Task | None:
    """`for_update` locks the row where the database can (SQLite's writers are one at a time)."""
    locks = for_update and not is_sqlite(bound_database())
    task = (TASK_OF_USER_FOR_UPDATE if locks else TASK_OF_USER).first(Task, task_id, user_id)
    if task is not None:
        setattr(task, READ_VALUES, column_values(task, CHANGED))
    return task


def tags_by_task(task_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every task's tags in one query, in the order they were given."""
    ids = list(task_ids)
    tags: dict[int, list[str]] = defaultdict(list)
    for task_id, name in TAGS_OF_TASKS.rows(*ids, shape=len(ids)) if ids else []:
        tags[task_id].append(name)
    return tags


def update_task_row(task: Task) -> None:
    """Write the columns of `task` that differ from the row `task_of_user` read (all of them
    for a task read otherwise)."""
    values = column_values(task, CHANGED)
    read: list[object] | None = getattr(task, READ_VALUES, None)
    changed = tuple(n for n, value in enumerate(values) if read is None or value != read[n])
    statement = UPDATE_TASK_COLUMNS.get(changed)
    if statement is None:
        columns = tuple(CHANGED[n] for n in changed)
        statement = UPDATE_TASK_COLUMNS[changed] = Statement(functools.partial(task_update_query, columns))
    statement.execute(*(values[n] for n in changed), task.id)
    setattr(task, READ_VALUES, values)


# Where a task instance keeps the CHANGED values its row held when it was read or last written
# (on the instance: peewee's models compare equal by id, so no mapping could tell two apart).
READ_VALUES = "_read_values"


def insert_task_row(task: Task) -> None:
    """Insert `task` and set its new id."""
    task.id = INSERT_TASK.insert(*column_values(task, INSERTED))


def insert_tags(task_id: int, names: list[str]) -> None:
    if names:
        INSERT_TAGS.execute(*(value for name in names for value in (task_id, name)), shape=len(names))


def insert_reminders(rows: list[tuple[int, str, str, dt.datetime | None]]) -> None:
    """Reminder rows: task id, user id, spec, fire_at (None: not armed) each."""
    if rows:
        INSERT_REMINDERS.execute(*(value for row in rows for value in row), shape=len(rows))


def last_key(list_id: int, parent_id: int | None) -> str | None:
    """The position key of the last of these siblings (None: there are none)."""
    values = (list_id,) if parent_id is None else (list_id, parent_id)
    ((key,),) = LAST_KEY.rows(*values, shape=len(values))
    return key if key is None else str(key)


def users_versions(user_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """The change sequence and token version of each of these users still here."""
    found = {}
    for chunk in padded_chunks(user_ids):
        for user_id, tasks_version, token_version in USERS_VERSIONS.rows(*chunk, shape=len(chunk)):
            found[user_id] = (tasks_version, token_version)
    return found


def personal_tokens(token_hashes: Iterable[str]) -> dict[str, AccessToken]:
    """The rows (hash and expiry) of these personal tokens still here, by hash."""
    found = {}
    for chunk in padded_chunks(token_hashes):
        for row in PERSONAL_TOKENS.models(AccessToken, *chunk, shape=len(chunk)):
            found[row.token_hash] = row
    return found


def padded_chunks(keys: Iterable[str]) -> list[list[str]]:
    """The distinct `keys` in lists of at most IN_LIMIT, each padded to a power of two by
    repeating its last key: an IN list's SQL depends on its length, and few lengths mean few
    texts to write and keep."""
    distinct = list(dict.fromkeys(keys))
    chunks = []
    for start in range(0, len(distinct), IN_LIMIT):
        chunk = distinct[start : start + IN_LIMIT]
        chunks.append(chunk + chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk)))
    return chunks
