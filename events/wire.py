"""An event as streams and webhooks send it: `{"id", "type", "at", "data"}`, JSON.

The row keeps `data` as the JSON text it was written as; the envelope is put around it
without parsing it again.
"""

from __future__ import annotations

import json

from handlers.common.responses import iso
from models import Event


def event_json(event: Event) -> str:
    head = json.dumps({"id": str(event.id), "type": event.type, "at": iso(event.at)})
    return f'{head[:-1]}, "data": {event.data}}}'
