"""A change's events, written in the change's own transaction (a transactional outbox): an
event exists if and only if its change committed (inside a database call).

`data` holds the entity's state after the change (for a deletion, its last state), as the REST
API shows it, and for the types that say so `changed`, the fields the change changed.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from domain.events import EventType
from domain.views import iso, list_json, root_url, task_json
from models import Event, Task, TodoList, User, queries, utc_now
from models.queries import tags_by_task


def emit_task(
    user: User, event: EventType, task: Task, tags: list[str], changed: list[str] | None = None
) -> None:
    emit(user, event, {"task": task_json(task, tags, root_url())}, changed)


def emit_tasks(user: User, event: EventType, task_ids: list[int], changed: list[str] | None = None) -> None:
    """The event for each of these tasks, with each one's state as it is now."""
    for start in range(0, len(task_ids), 500):
        chunk = task_ids[start : start + 500]
        tags = tags_by_task(chunk)
        for task in Task.select().where(Task.id.in_(chunk)).order_by(Task.id):
            emit_task(user, event, task, tags.get(task.id, []), changed)


def emit_list(user: User, event: EventType, todo_list: TodoList, changed: list[str] | None = None) -> None:
    emit(user, event, {"list": list_json(todo_list, user.default_list_id, root_url())}, changed)


def emit(user: User, event: EventType, data: dict[str, Any], changed: list[str] | None) -> None:
    if event.changed:
        data["changed"] = changed or []
    text = orjson.dumps(data).decode()  # as json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    queries.INSERT_EVENT.execute(user.id, event.name, utc_now(), text)


def event_json(event: Event) -> str:
    head = json.dumps({"id": str(event.id), "type": event.type, "at": iso(event.at)})
    return f'{head[:-1]}, "data": {event.data}}}'
