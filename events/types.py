"""What an event type is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class EventType:
    name: str  # as `type` says it: "task.created"
    entity: Literal["task", "list"]  # `data` holds that entity's state: data.task or data.list
    description: str
    changed: bool = False  # `data.changed` lists the fields the change changed
