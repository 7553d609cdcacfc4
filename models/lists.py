from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel, utc_now
from models.user import User


class TodoList(BaseModel):
    """A user's list of tasks (a project, in other apps). The user's default list, the Inbox,
    is the one `User.default_list_id` names.

    `task_count` and `open_count` are kept by every change of the list's tasks, in the same
    transaction: such a change is a change of the list too (its `version` and `change_seq`
    move), so its ETag and the change feed always carry the counts as they are.
    """

    id = peewee.BigAutoField()  # never given twice (on SQLite AUTOINCREMENT: migration 011)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    name = peewee.CharField(max_length=100)
    # The lower-cased name: unique per user, so names are unique whatever their case.
    name_key = peewee.CharField(max_length=400)
    color = peewee.CharField(max_length=16, null=True)
    position = peewee.CharField(max_length=255)  # domain/positions.py
    task_count = peewee.IntegerField(default=0)
    open_count = peewee.IntegerField(default=0)
    version = peewee.BigIntegerField(default=1)
    change_seq = peewee.BigIntegerField(default=0)  # as Task.change_seq
    created_at = peewee.DateTimeField(default=utc_now)
    updated_at = peewee.DateTimeField(default=utc_now)
    # The collection name a CalDAV client chose with MKCALENDAR (null: the list's id).
    dav_name = peewee.CharField(max_length=255, null=True)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "lists"
        indexes = (
            (("user", "name_key"), True),
            (("user", "position", "id"), False),
            (("user", "change_seq", "id"), False),
            (("user", "dav_name"), True),
        )
