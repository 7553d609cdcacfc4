"""Reminders: arming and disarming a task's, listing the armed ones, and firing those due
(inside a database call).

A reminder row is armed while its `fire_at` is set. Every change of it happens while the
user's row is locked (the task's change, or `fire_due`), and firing is a conditional UPDATE
(armed, and due) in the same transaction as its `reminder.due` event: whichever process wins
it fires it, once; the others' UPDATE matches nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from domain.changes import ChangeSet, chunks
from domain.events import REMINDER_DUE
from domain.principal import Principal
from domain.reminder_specs import fire_time, shown
from domain.users import current_user
from domain.views import iso, root_url, task_json
from models import Reminder, Task, User
from models.queries import insert_reminders, tags_by_task, user_by_id

MAX_LATE = dt.timedelta(hours=24)  # a reminder due longer ago than this is dropped unfired


def arm(task: Task, now: dt.datetime, *, new: bool = False) -> None:
    """The task's reminder rows made anew from its `reminders`: those of an open task whose
    time is still ahead are armed; the others are kept unarmed (the task still shows them).
    A `new` task has no rows to replace yet."""
    if not new:
        Reminder.delete().where(Reminder.task == task.id).execute()
    rows = []
    for spec in shown(task.reminders):
        when = fire_time(spec, task.due_date)
        armed = not task.completed and when is not None and when > now
        rows.append((task.id, task.user_id, json.dumps(spec, separators=(",", ":")), when if armed else None))
    insert_reminders(rows)


def disarm(task_ids: Iterable[int]) -> None:
    for chunk in chunks(list(task_ids), 500):
        Reminder.update(fire_at=None).where(
            Reminder.task.in_(chunk) & Reminder.fire_at.is_null(False)
        ).execute()


def armed_reminders(principal: Principal, before: dt.datetime, limit: int) -> list[tuple[Reminder, Task]]:
    """The caller's armed reminders due by `before`, soonest first."""
    user = current_user(principal)
    query = (
        Reminder.select(Reminder, Task)
        .join(Task)
        .where((Reminder.user == user.id) & (Reminder.fire_at <= before))
        .order_by(Reminder.fire_at, Reminder.id)
        .limit(limit)
    )
    return [(row, row.task) for row in query]


def due_reminders(now: dt.datetime, limit: int) -> dict[str, list[int]]:
    """Armed reminders due by `now` (the index on fire_at bounds the read): their ids by user."""
    due: dict[str, list[int]] = {}
    query = Reminder.select(Reminder.id, Reminder.user).where(Reminder.fire_at <= now)
    for row in query.order_by(Reminder.fire_at).limit(limit):
        due.setdefault(row.user_id, []).append(row.id)
    return due


def fire_due(user_id: str, reminder_ids: list[int], now: dt.datetime) -> int:
    """Fire the user's reminders among `reminder_ids` that are still armed and due: one
    reminder.due event each, or none for one over MAX_LATE late (dropped). How many fired."""
    user = user_by_id(user_id, for_update=True)  # first, as every change of the user's data
    if user is None:
        return 0
    change = ChangeSet(user)
    fired = 0
    mine = (Reminder.user == user.id) & Reminder.id.in_(reminder_ids)
    for reminder in Reminder.select().where(mine & (Reminder.fire_at <= now)):
        due_at = reminder.fire_at
        claimed = Reminder.update(fire_at=None, fired_at=now).where(
            (Reminder.id == reminder.id) & (Reminder.fire_at == due_at)
        )
        if claimed.execute() == 1 and due_at is not None and due_at >= now - MAX_LATE:
            announce(change, user, reminder)
            fired += 1
    return fired


def announce(change: ChangeSet, user: User, reminder: Reminder) -> None:
    task = Task.get_by_id(reminder.task_id)
    data = {
        "task": task_json(task, tags_by_task([task.id])[task.id], root_url()),
        "reminder": {**json.loads(reminder.spec), "fire_at": iso(reminder.fire_at)},
    }
    change.sequence()  # the event hub follows the user's change sequence
    change.emit(REMINDER_DUE, data, None)


def reminder_json(reminder: Reminder, task: Task) -> dict[str, object]:
    return {
        "id": reminder.id,
        "task_id": task.id,
        "title": task.title,
        "due_date": iso(task.due_date),
        "reminder": json.loads(reminder.spec),
        "fire_at": iso(reminder.fire_at),
    }
