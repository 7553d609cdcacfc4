"""task.completed: A task was completed (by itself, or as an open subtask of a task completed)."""

from events.types import EventType

EVENT = EventType(
    "task.completed", "task", "A task was completed (by itself, or as an open subtask of a task completed)."
)
