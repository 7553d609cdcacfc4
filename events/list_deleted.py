"""list.deleted: A list was deleted: data.list is its last state."""

from events.types import EventType

EVENT = EventType("list.deleted", "list", "A list was deleted: data.list is its last state.")
