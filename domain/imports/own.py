"""This service's own export (`GET /api/export`, format "todo-api/1"): its lists, and its tasks
with every field the API shows. A task keeps its `uid`, `created_at` and `completed_at`; its
list and parent are named by their ids in the file; siblings keep the order of their
`position`. Fields the server owns (`id`, `url`, `version`, ...) only say where things are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from domain.errors import Invalid
from domain.errors import Problem as Issue
from domain.fields import control_characters, parse_iso_datetime, to_naive_utc
from domain.imports.records import Source, SourceList, SourceTask, Where
from domain.schemas import ListCreate
from domain.uids import MAX_UID_LENGTH
from domain.validation import validation_details

FORMAT = "todo-api/1"
# What a task of the file gives POST /api/tasks (the rest is where it is, or the server's).
TASK_FIELDS = (
    "title",
    "description",
    "completed",
    "priority",
    "due_date",
    "tags",
    "order",
    "recurrence",
    "time_zone",
    "reminders",
)
INBOX_KEY = "default"


def read(document: dict[str, Any]) -> Source:
    """The export's lists and tasks; `Invalid` naming each field that is not as the export
    writes it (`["body", "tasks", 3, "parent_id"]`)."""
    source = Source(FORMAT)
    issues: list[Issue] = []
    lists = array(document, "lists", issues)
    tasks = array(document, "tasks", issues)
    keys: dict[int, str] = {}
    for number, item in enumerate(lists):
        source_list = list_of(item, number, issues)
        if source_list is not None:
            keys[item["id"]] = source_list.key
            source.add_list(source_list)
    seen: set[int] = set()
    ordered: list[tuple[str, int, SourceTask]] = []
    for number, item in enumerate(tasks):
        task = task_of(item, number, keys, seen, issues)
        if task is not None:
            ordered.append((str(item.get("position") or ""), item["id"], task))
    if issues:
        raise Invalid(issues)
    source.tasks = [task for _, _, task in sorted(ordered, key=lambda entry: entry[:2])]
    if not any(each.default for each in source.lists):  # tasks without a list go to the user's
        source.add_list(SourceList(key=INBOX_KEY, name="Inbox", where=Where(path=("lists",)), default=True))
    return source


def array(document: dict[str, Any], name: str, issues: list[Issue]) -> list[Any]:
    value = document.get(name, [])
    if not isinstance(value, list):
        issues.append(issue(("body", name), "Input should be a valid list", "list_type"))
        return []
    return value


def list_of(item: Any, number: int, issues: list[Issue]) -> SourceList | None:
    where = Where(path=("lists", number))
    if not isinstance(item, dict):
        issues.append(issue(tuple(where.loc()), "Input should be an object", "model_type"))
        return None
    if not is_id(item.get("id")):
        issues.append(issue(tuple(where.loc("id")), "Input should be a whole number from 1", "int_type"))
        return None
    try:
        fields = ListCreate.model_validate({"name": item.get("name"), "color": item.get("color")})
    except ValueError as exc:
        issues.extend(located(exc, where))
        return None
    default = item.get("is_default") is True
    key = INBOX_KEY if default else f"list {item['id']}"
    return SourceList(key=key, name=fields.name, where=where, color=fields.color, default=default)


def task_of(
    item: Any, number: int, keys: dict[int, str], seen: set[int], issues: list[Issue]
) -> SourceTask | None:
    where = Where(path=("tasks", number))
    if not isinstance(item, dict):
        issues.append(issue(tuple(where.loc()), "Input should be an object", "model_type"))
        return None
    task_id, list_id, parent_id = item.get("id"), item.get("list_id"), item.get("parent_id")
    found = len(issues)
    if not is_id(task_id):
        issues.append(issue(tuple(where.loc("id")), "Input should be a whole number from 1", "int_type"))
    elif task_id in seen:
        issues.append(issue(tuple(where.loc("id")), f"Task {task_id} is in the file twice", "id_repeated"))
    if list_id is not None and list_id not in keys:
        issues.append(
            issue(tuple(where.loc("list_id")), f"List {list_id} is not in the file's lists", "list_unknown")
        )
    if parent_id is not None and not is_id(parent_id):
        issues.append(
            issue(tuple(where.loc("parent_id")), "Input should be a whole number from 1 or null", "int_type")
        )
    uid = item.get("uid")
    if uid is not None and not (
        isinstance(uid, str)
        and 1 <= len(uid) <= MAX_UID_LENGTH
        and uid.strip()
        and not control_characters(uid)
    ):
        msg = f"Input should be 1 to {MAX_UID_LENGTH} characters without control characters"
        issues.append(issue(tuple(where.loc("uid")), msg, "uid"))
    stamps = {name: moment(item, name, where, issues) for name in ("created_at", "completed_at")}
    if len(issues) > found:
        return None
    seen.add(item["id"])
    return SourceTask(
        ref=str(task_id),
        list_key=keys[list_id] if list_id is not None else INBOX_KEY,
        parent_ref=None if parent_id is None else str(parent_id),
        fields={name: item[name] for name in TASK_FIELDS if name in item},
        where=where,
        uid=uid,
        created_at=stamps["created_at"],
        completed_at=stamps["completed_at"],
    )


def moment(item: dict[str, Any], name: str, where: Where, issues: list[Issue]) -> dt.datetime | None:
    value = item.get(name)
    if value is None:
        return None
    try:
        parsed = parse_iso_datetime(value)
        return to_naive_utc(parsed) if isinstance(parsed, dt.datetime) else None
    except ValueError as exc:
        issues.append(issue(tuple(where.loc(name)), str(exc), "datetime_parsing"))
        return None


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63


def located(exc: ValueError, where: Where) -> list[Issue]:
    if not isinstance(exc, ValidationError):
        return [issue(tuple(where.loc()), str(exc), "value_error")]
    return [{**detail, "loc": where.loc() + detail["loc"][1:]} for detail in validation_details(exc, "body")]


def issue(loc: tuple[str | int, ...], msg: str, error_type: str) -> Issue:
    return {"loc": list(loc), "msg": msg, "type": error_type}
