"""This service's own export (`GET /api/export`, format "todo-api/1"): its lists, and its tasks
with every field the API shows. A task keeps its `uid`, `created_at` and `completed_at`; its
list and parent are named by their ids in the file; siblings keep the order of their
`position`. The fields the server owns otherwise (`url`, `version`, counts...) are not read.

`ExportIn` is what is read, as POST /api/import's JSON body documents it: each task's fields
checked as POST /api/tasks checks them, and each problem named by where it is
(`["body", "tasks", 3, "title"]`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StrictBool

from domain.errors import Invalid
from domain.errors import Problem as Issue
from domain.fields import CC, WS, DueDate, EntityId, control_characters, trim
from domain.imports.records import Source, SourceList, SourceTask, Where
from domain.schemas import Color, ListName, TaskCreate
from domain.validation import validate
from models.task import UID_LENGTH as MAX_UID_LENGTH

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


def clean_uid(value: str) -> str:
    if not trim(value) or control_characters(value):
        raise ValueError("must hold a character other than white space, and no control character")
    return value


Uid = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_UID_LENGTH,
        json_schema_extra={"pattern": f"^[^{CC}]*[^{WS}{CC}][^{CC}]*$"},
    ),
    AfterValidator(clean_uid),
]


class ExportedList(BaseModel):
    id: EntityId
    name: ListName
    color: Color | None = None
    is_default: StrictBool = Field(default=False, description="your default list takes its tasks")


class ExportedTask(TaskCreate):
    id: EntityId = Field(description="the task's id in the file (its parent_id names it)")
    list_id: EntityId | None = Field(default=None, description="a list of the file (null: the default list)")  # type: ignore[assignment]
    parent_id: EntityId | None = Field(default=None, description="a task of the file")
    position: str | None = Field(default=None, max_length=255, description="orders siblings")
    uid: Uid | None = Field(default=None, description="kept; a task of yours with this uid is skipped")
    created_at: DueDate = Field(default=None, description="kept")
    completed_at: DueDate = Field(default=None, description="kept when the task is completed")


class ExportIn(BaseModel):
    """GET /api/export's document, as an import reads it (other fields are not read)."""

    format: Literal["todo-api/1"]
    lists: list[ExportedList]
    tasks: list[ExportedTask]


def read(document: dict[str, Any]) -> Source:
    """The export's lists and tasks; `Invalid` naming each field that is not as the export
    writes it, or a task naming a list or task that is not in the file."""
    export = validate(ExportIn, document, "body")
    source = Source(FORMAT)
    issues: list[Issue] = []
    keys: dict[int, str] = {}
    for number, item in enumerate(export.lists):
        where = Where(path=("lists", number))
        if item.id in keys:
            issues.append(issue(where, "id", f"List {item.id} is in the file twice", "id_repeated"))
        keys[item.id] = INBOX_KEY if item.is_default else f"list {item.id}"
        source.add_list(SourceList(keys[item.id], item.name, where, item.color, item.is_default))
    ordered: list[tuple[str, int, SourceTask]] = []
    for number, (task, raw) in enumerate(zip(export.tasks, document["tasks"], strict=True)):
        where = Where(path=("tasks", number))
        if task.list_id is not None and task.list_id not in keys:
            issues.append(
                issue(where, "list_id", f"List {task.list_id} is not in the file's lists", "list_unknown")
            )
            continue
        source_task = SourceTask(
            ref=str(task.id),
            list_key=INBOX_KEY if task.list_id is None else keys[task.list_id],
            parent_ref=None if task.parent_id is None else str(task.parent_id),
            fields={name: raw[name] for name in TASK_FIELDS if name in raw},
            where=where,
            uid=task.uid,
            created_at=task.created_at,
            completed_at=task.completed_at,
            checked=task,  # an ExportedTask is a TaskCreate, checked as one
        )
        ordered.append((task.position or "", task.id, source_task))
    if issues:
        raise Invalid(issues)
    source.tasks = [task for _, _, task in sorted(ordered, key=lambda entry: entry[:2])]
    if not any(each.default for each in source.lists):  # tasks without a list go to the user's
        source.add_list(SourceList(INBOX_KEY, "Inbox", Where(path=("lists",)), default=True))
    return source


def issue(where: Where, field: str, msg: str, error_type: str) -> Issue:
    return {"loc": where.loc(field), "msg": msg, "type": error_type}
