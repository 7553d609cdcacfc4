"""list.created: A list was made (the Inbox too, on the first request that needs it)."""

from events.types import EventType

EVENT = EventType(
    "list.created", "list", "A list was made (the Inbox too, on the first request that needs it)."
)
