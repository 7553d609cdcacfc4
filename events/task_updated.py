"""task.updated: A task's fields, tags, list, parent or position changed: data.changed names them."""

from events.types import EventType

EVENT = EventType(
    "task.updated",
    "task",
    "A task's fields, tags, list, parent or position changed: data.changed names them.",
    changed=True,
)
