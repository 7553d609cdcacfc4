"""reminder.due: A reminder of an open task is due: data.task is the task, data.reminder the reminder."""

from events.types import EventType

EVENT = EventType(
    "reminder.due",
    "task",
    "A reminder of an open task is due: data.task is the task, data.reminder the reminder.",
)
