"""The inputs every door validates the same way: tasks, the task-list query, lists, personal
access tokens and webhooks (their fields are domain/fields.py's)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from domain.fields import (
    Completed,
    Description,
    DueBound,
    DueDate,
    EntityId,
    Order,
    Priority,
    PriorityField,
    QueryId,
    Recurrence,
    Reminders,
    SearchText,
    SortKey,
    Tag,
    Tags,
    TimeZoneName,
    Title,
    hide_null_defaults,
    integral,
    not_null,
    trimmed_text,
    trimmed_text_pattern,
)


class TaskPatch(BaseModel):
    """PATCH: only the fields sent change. `null` clears description, due_date, order and recurrence."""

    model_config = ConfigDict(json_schema_extra=hide_null_defaults)

    title: Title = None  # type: ignore[assignment]  # absent is fine, null is not
    description: Description = None
    completed: Completed = None  # type: ignore[assignment]
    priority: PriorityField = None  # type: ignore[assignment]
    due_date: DueDate = None
    tags: Tags = None  # type: ignore[assignment]
    order: Order = None
    list_id: Annotated[EntityId, BeforeValidator(not_null)] = Field(
        default=None,  # type: ignore[assignment]
        description="one of your lists (default: your Inbox); a new list puts the task last in it",
    )
    parent_id: EntityId | None = Field(
        default=None, description="a task of yours, or null for none; a subtask is in its parent's list"
    )
    recurrence: Recurrence = None
    time_zone: TimeZoneName = Field(
        default=None,  # type: ignore[assignment]
        description="the IANA zone whose wall-clock time occurrences keep (default: yours)",
    )
    reminders: Reminders = Field(default=None, description="at most 5; [] for none")  # type: ignore[arg-type]


class TaskMove(BaseModel):
    """Where a task goes: `after` a sibling (null: first; left out: last), in `list_id` and
    under `parent_id` (each left out: where it is)."""

    list_id: Annotated[EntityId, BeforeValidator(not_null)] = None  # type: ignore[assignment]
    parent_id: EntityId | None = Field(default=None, description="null: a top-level task")
    after: EntityId | None = Field(default=None, description="a sibling's id; null: first; left out: last")

    model_config = ConfigDict(json_schema_extra=lambda schema: schema["properties"]["list_id"].pop("default"))


class TaskReplace(TaskPatch):
    """PUT: `title` is required; the other fields not sent keep their value."""

    title: Title


class TaskCreate(TaskReplace):
    """POST: `title` is required; the other fields not sent take their defaults."""


class TaskListQuery(BaseModel):
    completed: bool | None = None
    status: Literal["all", "pending", "completed"] = "all"
    q: SearchText = Field(default=None, description="case-insensitive, in title or description")
    priority: Priority | None = None
    tag: Tag | None = None
    due_before: DueBound = None
    due_after: DueBound = None
    list_id: QueryId | None = Field(default=None, description="only the tasks of this list")
    parent_id: QueryId | Literal["none"] | None = Field(
        default=None, description="only the subtasks of this task, or `none`: only top-level tasks"
    )
    sort: SortKey = "-created_at"
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=2**62)


Color = Literal["red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "gray"]
ListName = Annotated[
    str,
    BeforeValidator(not_null),
    Field(json_schema_extra={"pattern": trimmed_text_pattern(100)}),
    AfterValidator(lambda value: trimmed_text(value, 100, "name")),
]


class ListCreate(BaseModel):
    name: ListName
    color: Color | None = None


class ListPatch(BaseModel):
    """Only the fields sent change. `after` moves the list: right after that list, or first (null)."""

    # `name` may be left out, not sent as null: it has no default to document.
    model_config = ConfigDict(json_schema_extra=lambda schema: schema["properties"]["name"].pop("default"))

    name: ListName = None  # type: ignore[assignment]  # absent is fine, null is not
    color: Color | None = None
    after: EntityId | None = Field(default=None, description="a list's id, or null for first")


Scope = Literal["tasks:read", "tasks:write"]
TokenName = Annotated[
    str,
    Field(json_schema_extra={"pattern": trimmed_text_pattern(100)}),
    AfterValidator(lambda value: trimmed_text(value, 100, "name")),
]


def unique_scopes(scopes: list[Scope]) -> list[Scope]:
    return list(dict.fromkeys(scopes))


class TokenCreate(BaseModel):
    name: TokenName
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=2), AfterValidator(unique_scopes)] = [
        "tasks:read",
        "tasks:write",
    ]
    expires_in_days: Annotated[StrictInt, Field(ge=1, le=365), BeforeValidator(integral)] | None = Field(
        default=90, description="null: never expires"
    )


EventName = Literal[
    "*",
    "task.created",
    "task.updated",
    "task.completed",
    "task.reopened",
    "task.deleted",
    "list.created",
    "list.updated",
    "list.deleted",
    "reminder.due",
]


def one_way(names: list[EventName]) -> list[EventName]:
    """`["*"]` when it is named (every type, whatever else is), or the types named once each."""
    return ["*"] if "*" in names else list(dict.fromkeys(names))


class WebhookCreate(BaseModel):
    url: str = Field(
        max_length=2000, pattern=r"^https?://\S+$", description="http:// or https:// to a public address"
    )
    events: Annotated[list[EventName], Field(min_length=1, max_length=10), AfterValidator(one_way)] = ["*"]
