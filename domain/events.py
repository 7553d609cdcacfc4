"""What an event type is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class EventType:
    name: str  # as `type` says it: "task.created"
    entity: Literal["task", "list"]  # `data` holds that entity's state: data.task or data.list
    description: str
    changed: bool = False  # `data.changed` lists the fields the change changed


LIST_CREATED = EventType(
    "list.created", "list", "A list was made (the Inbox too, on the first request that needs it)."
)

LIST_DELETED = EventType("list.deleted", "list", "A list was deleted: data.list is its last state.")

LIST_UPDATED = EventType(
    "list.updated",
    "list",
    "A list was renamed, recoloured or moved: data.changed names what (its counts move with its "
    "tasks' events).",
    changed=True,
)

REMINDER_DUE = EventType(
    "reminder.due",
    "task",
    "A reminder of an open task is due: data.task is the task, data.reminder the reminder.",
)

TASK_COMPLETED = EventType(
    "task.completed", "task", "A task was completed (by itself, or as an open subtask of a task completed)."
)

TASK_CREATED = EventType(
    "task.created", "task", "A task was made (by any route, or as the next occurrence of a recurring one)."
)

TASK_DELETED = EventType(
    "task.deleted",
    "task",
    "A task was deleted (by itself, with its parent, or with its list): data.task is its last state.",
)

TASK_REOPENED = EventType("task.reopened", "task", "A completed task was opened again.")

TASK_UPDATED = EventType(
    "task.updated",
    "task",
    "A task's fields, tags, list, parent or position changed: data.changed names them.",
    changed=True,
)


# Every event type, in one place: webhooks' `events` filter, the OpenAPI document and docs/events.md
# name these.
EVENT_TYPES: dict[str, EventType] = {
    event.name: event
    for event in (
        LIST_CREATED,
        LIST_DELETED,
        LIST_UPDATED,
        REMINDER_DUE,
        TASK_COMPLETED,
        TASK_CREATED,
        TASK_DELETED,
        TASK_REOPENED,
        TASK_UPDATED,
    )
}
