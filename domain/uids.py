"""A task's iCalendar UID (RFC 5545 3.8.4.7): what CalDAV clients know a task by, stable for
its life. A client may choose it; the service makes one for every task made otherwise."""

from __future__ import annotations

import uuid

MAX_UID_LENGTH = 255


def new_uid() -> str:
    return str(uuid.uuid4())
