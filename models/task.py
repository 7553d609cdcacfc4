from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel, utc_now
from models.changes import BodyField
from models.lists import TodoList
from models.user import User

PRIORITY_RANKS = {"low": 1, "medium": 2, "high": 3}
PRIORITY_NAMES = {rank: name for name, rank in PRIORITY_RANKS.items()}
UID_LENGTH = 255


def new_uid() -> str:
    """A task's iCalendar UID (RFC 5545 3.8.4.7) when no CalDAV client chose one."""
    return str(uuid.uuid4())


class Task(BaseModel):
    id = peewee.BigAutoField()  # never given twice (on SQLite AUTOINCREMENT: migration 011)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    title = peewee.CharField(max_length=200)
    # The lower-cased title (lower-casing may lengthen a few letters): what `sort=title` orders.
    title_key = peewee.CharField(max_length=400, default="")
    description = peewee.TextField(null=True)
    # Lower-cased title and description, matched by `q=` identically on every database.
    search_text = peewee.TextField(default="")
    completed = peewee.BooleanField(default=False)
    completed_at = peewee.DateTimeField(null=True)
    priority = peewee.SmallIntegerField(default=PRIORITY_RANKS["medium"])
    due_date = peewee.DateTimeField(null=True)
    position = peewee.BigIntegerField(null=True)
    created_at = peewee.DateTimeField(default=utc_now)
    updated_at = peewee.DateTimeField(default=utc_now)
    # 1 when created, one more with every change: what the task's ETag says.
    version = peewee.BigIntegerField(default=1)
    # The user's change sequence (User.tasks_version) at the last change: the change feed's order.
    change_seq = peewee.BigIntegerField(default=0)
    # The list it is in (set for every task; a subtask is in its parent's), its parent task
    # (null at the top), and where it sorts among its siblings (domain/positions.py).
    list = peewee.ForeignKeyField(
        TodoList, column_name="list_id", on_delete="CASCADE", null=True, index=False
    )
    parent = peewee.ForeignKeyField(
        "self", column_name="parent_id", on_delete="CASCADE", null=True, index=True
    )
    sort_key = peewee.CharField(max_length=255, null=True)
    # A recurring task's RRULE (domain/recurrence.py) and the IANA zone whose
    # wall-clock time its occurrences keep; the series (the first occurrence's id; null: its
    # own), the occurrence it follows (unique: one successor per occurrence), its number.
    recurrence = peewee.CharField(max_length=500, null=True)
    time_zone = peewee.CharField(max_length=64, default="UTC")
    series_id = peewee.BigIntegerField(null=True)
    previous_id = peewee.BigIntegerField(null=True, unique=True)
    occurrence = peewee.IntegerField(default=1)
    # Its reminders as the API shows them (JSON; null: none); models/reminder.py schedules them.
    reminders = peewee.TextField(null=True)
    # The task as a CalDAV resource (dav/): its iCalendar UID (unique per user; made by the
    # service unless a client chose it), the resource name a client chose (null: `<uid>.ics`),
    # and its VTODO's properties the service does not model, as iCalendar text (null: none).
    uid = peewee.CharField(max_length=UID_LENGTH, default=new_uid)
    dav_name = peewee.CharField(max_length=255, null=True)
    ical_extra = BodyField(null=True)

    if TYPE_CHECKING:  # the foreign keys' own values, as peewee names them
        user_id: str
        list_id: int
        parent_id: int | None

    class Meta:
        table_name = "tasks"
        indexes = (
            (("user", "created_at", "id"), False),
            (("user", "updated_at", "id"), False),
            (("user", "due_date", "id"), False),
            (("user", "priority", "id"), False),
            (("user", "position", "id"), False),
            (("user", "completed", "created_at"), False),
            (("user", "change_seq", "id"), False),
            (("list", "parent", "sort_key", "id"), False),
            (("list", "created_at", "id"), False),
            (("user", "sort_key", "id"), False),
            (("user", "uid"), True),
            (("user", "dav_name"), False),
            (("list", "change_seq"), False),
        )


class TaskTag(BaseModel):
    id = peewee.AutoField()
    task = peewee.ForeignKeyField(Task, column_name="task_id", on_delete="CASCADE", index=False)
    name = peewee.CharField(max_length=64)  # 30 as sent; lower-casing may lengthen

    class Meta:
        table_name = "task_tags"
        indexes = ((("task", "name"), True),)
