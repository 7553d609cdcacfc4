"""Every event type, in one place: webhooks' `events` filter, the OpenAPI document and README
name these."""

from __future__ import annotations

from events import (
    list_created,
    list_deleted,
    list_updated,
    reminder_due,
    task_completed,
    task_created,
    task_deleted,
    task_reopened,
    task_updated,
)
from events.types import EventType

EVENT_TYPES: dict[str, EventType] = {
    module.EVENT.name: module.EVENT
    for module in (
        task_created,
        task_updated,
        task_completed,
        task_reopened,
        task_deleted,
        list_created,
        list_updated,
        list_deleted,
        reminder_due,
    )
}
