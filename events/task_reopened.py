"""task.reopened: A completed task was opened again."""

from events.types import EventType

EVENT = EventType("task.reopened", "task", "A completed task was opened again.")
