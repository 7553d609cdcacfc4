"""list.updated: a list was renamed, recoloured or moved."""

from events.types import EventType

EVENT = EventType(
    "list.updated",
    "list",
    "A list was renamed, recoloured or moved: data.changed names what (its counts move with its "
    "tasks' events).",
    changed=True,
)
