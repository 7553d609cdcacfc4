"""task.created: A task was made (by any route, or as the next occurrence of a recurring one)."""

from events.types import EventType

EVENT = EventType(
    "task.created", "task", "A task was made (by any route, or as the next occurrence of a recurring one)."
)
