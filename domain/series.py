"""Recurring tasks: the next occurrence of one just completed (inside a database call).

Completing an occurrence makes its successor, once: the successor's `previous_id` is the
occurrence's id, which a unique index allows once, whatever the route, the retries or the
processes. Reopening and completing it again finds the successor there and makes none.
"""

from __future__ import annotations

import datetime as dt

from domain.changes import ChangeSet
from domain.events import TASK_CREATED
from domain.recurrence import next_occurrence
from domain.reminder_specs import shifted
from domain.reminders import arm
from domain.tree import new_key, place_of
from models import Task, queries

# What a successor copies from the occurrence it follows (the rest is its own).
COPIED = (
    "title",
    "title_key",
    "description",
    "search_text",
    "priority",
    "position",
    "recurrence",
    "time_zone",
)


def follow(change: ChangeSet, task: Task, tags: list[str], now: dt.datetime) -> Task | None:
    """The next occurrence of `task`, a recurring task just completed, unless it has one or
    its rule is used up."""
    if task.recurrence is None or task.due_date is None:
        return None
    if Task.select().where(Task.previous_id == task.id).exists():
        return None
    found = next_occurrence(task.recurrence, task.time_zone, task.due_date, task.occurrence, now)
    if found is None:
        return None
    due, number = found
    successor = Task(user=change.user.id, created_at=now, updated_at=now, due_date=due, occurrence=number)
    for name in COPIED:
        setattr(successor, name, getattr(task, name))
    successor.series_id = task.series_id or task.id
    successor.previous_id = task.id
    successor.reminders = shifted(task.reminders, due - task.due_date)
    place = place_of(task)  # beside it, after the last of its siblings
    successor.list_id, successor.parent_id, successor.sort_key = (
        place.list_id,
        place.parent_id,
        new_key(place),
    )
    change.task_written(successor, created=True)
    queries.insert_task_row(successor)
    queries.insert_tags(successor.id, tags)
    change.counted(successor.list_id, 1, 1)
    if successor.reminders:
        arm(successor, now, new=True)
    change.emit_task(TASK_CREATED, successor, tags)
    return successor
