"""The tools' arguments, as their input schemas show them.

The SDK checks the types (and the ranges here) before a tool runs; the schemas say what else
is allowed (enums, formats, lengths), which the REST models check (`calls.arguments`). Either
refusal reaches the model as one sentence naming the argument (refusals.py).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from domain.fields import INT64_MAX

PRIORITIES = ["low", "medium", "high"]
SORTS = ["created_at", "updated_at", "due_date", "priority", "title", "order", "position"]
COLORS = ["red", "orange", "yellow", "green", "teal", "blue", "purple", "pink", "gray"]


def choice(values: list[str]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": values})


def not_boolean(value: object) -> object:
    """JSON's true and false are no integers to the input schema, though pydantic reads them as
    1 and 0 (`"task_id": true` would be task 1)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Integer = Annotated[int, BeforeValidator(not_boolean)]


def id_from(low: int) -> AfterValidator:
    """An id from `low` (0 where the tool reads it as "none") to the largest a database holds:
    any other names nothing, and would reach the database only to fail there. Checked, not
    added to the input schema, which stays as the agents built against it know it."""

    def check(value: int) -> int:
        if value < low:
            raise ValueError(f"must be at least {low}")
        if value > INT64_MAX:
            raise ValueError(f"must be at most {INT64_MAX}")
        return value

    return AfterValidator(check)


TaskId = Annotated[
    Integer, id_from(1), Field(description="The task's id, as add_task or list_tasks gave it.")
]
UserId = Annotated[
    str | None,
    Field(description="Optional. The signed-in user's own id; any other is refused."),
]
Title = Annotated[str, Field(description="What to do: 1 to 200 characters.")]
Description = Annotated[
    str | None, Field(description='Details, up to 1000 characters (update_task: "" clears them).')
]
Priority = Annotated[
    Annotated[str, choice(PRIORITIES)] | None, Field(description="low, medium or high (default medium).")
]
DueDate = Annotated[
    Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})] | None,
    Field(description='When it is due, ISO 8601 (2026-12-01T18:00:00Z) (update_task: "" clears it).'),
]
Tags = Annotated[
    list[str] | None, Field(description="Up to 10 labels of 1 to 30 characters (update_task: replaces them).")
]
Status = Annotated[
    Annotated[str, choice(["all", "pending", "completed"])],
    Field(description="Which tasks: all (default), pending or completed."),
]
Search = Annotated[str | None, Field(description="Words to find in the title or description.")]
Tag = Annotated[str | None, Field(description="Only tasks with this tag.")]
DueBound = Annotated[
    Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})] | None,
    Field(description="ISO 8601; only tasks due before (due_before) or after (due_after) it."),
]
Sort = Annotated[
    Annotated[str, choice([*SORTS, *(f"-{name}" for name in SORTS)])],
    Field(description="Order, a leading - for descending (default -created_at: newest first)."),
]
# The range before the validator: after one, pydantic's schema would read `ge`, `le`.
Limit = Annotated[int, Field(ge=1, le=200, description="1 to 200."), BeforeValidator(not_boolean)]
ListRef = Annotated[
    int | str | None,
    Field(
        description="A list: its id, or its name (any case), as list_lists shows them. Default: the Inbox."
    ),
]
ListFilter = Annotated[
    int | str | None, Field(description="Only the tasks of this list: its id or its name.")
]
ParentId = Annotated[
    Annotated[Integer, id_from(1)] | None, Field(description="Make it a subtask of this task (by task_id).")
]
ParentFilter = Annotated[
    Annotated[Integer, id_from(0)] | None,
    Field(description="Only the subtasks of this task; 0: only the tasks that are no subtask."),
]
ListName = Annotated[str, Field(description="The list's name: 1 to 100 characters, unique (any case).")]
Color = Annotated[Annotated[str, choice(COLORS)] | None, Field(description="The list's colour (optional).")]
MoveParent = Annotated[
    Annotated[Integer, id_from(0)] | None,
    Field(description="Put it under this task (task_id); 0: make it a top-level task. Left out: stays."),
]
After = Annotated[
    Annotated[Integer, id_from(0)] | None,
    Field(
        description="Put it right after this sibling (task_id); 0: first. Left out: last among its siblings."
    ),
]
Recurrence = Annotated[
    str | None,
    Field(
        description=(
            "Repeat it: an RFC 5545 RRULE with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY and optionally "
            "INTERVAL, BYDAY (MO,TU,...; 1MO, -1FR in monthly rules), BYMONTHDAY, BYMONTH, BYSETPOS, "
            "COUNT or UNTIL, e.g. FREQ=WEEKLY;BYDAY=MO,WE. Needs a due_date; completing an occurrence "
            'makes the next. (update_task: "" stops it repeating.)'
        )
    ),
]
Reminders = Annotated[
    list[dict[str, str]] | None,
    Field(
        description=(
            'Up to 5, each {"before": "PT15M"} (an ISO 8601 duration before the due date, at most '
            'P30D) or {"at": "2026-12-01T17:45:00Z"}. (update_task: replaces them; [] removes them.)'
        )
    ),
]
TimeZone = Annotated[
    str | None,
    Field(description="The IANA zone whose local time occurrences keep (Europe/Paris). Default: the user's."),
]
