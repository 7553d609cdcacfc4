"""task.deleted: a task was deleted."""

from events.types import EventType

EVENT = EventType(
    "task.deleted",
    "task",
    "A task was deleted (by itself, with its parent, or with its list): data.task is its last state.",
)
