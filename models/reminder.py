"""A task's reminders, as the scheduler sees them: one row each, armed while `fire_at` is set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel
from models.task import Task
from models.user import User


class Reminder(BaseModel):
    id = peewee.BigAutoField()  # never given twice (on SQLite AUTOINCREMENT: migration 011)
    task = peewee.ForeignKeyField(Task, column_name="task_id", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    spec = peewee.CharField(max_length=100)  # the reminder as the API shows it (JSON)
    # When it fires; null once fired, dropped or disarmed (a completed task, a time passed).
    fire_at = peewee.DateTimeField(null=True, index=True)
    fired_at = peewee.DateTimeField(null=True)

    if TYPE_CHECKING:
        task_id: int
        user_id: str

    class Meta:
        table_name = "reminders"
        indexes = ((("user", "fire_at"), False),)
