"""reschedule_task: move a task's due date, keeping its recurrence; its reminders move with it."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field, WithJsonSchema

from domain.principal import TASKS_WRITE
from domain.schemas import TaskPatch
from domain.tasks import reschedule_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, ToolFailure, answer
from mcp_tools.calls import arguments as parsed
from mcp_tools.results import Rescheduled, task_answer

NAME = "reschedule_task"
DESCRIPTION = (
    "Move a task's due date (this occurrence of a recurring task: the series goes on from the new "
    "date, and its recurrence stays). Reminders at a set time move by as much; those before the due "
    "date follow it."
)
ANNOTATIONS = ToolAnnotations(
    title="Reschedule a task", read_only_hint=False, destructive_hint=False, idempotent_hint=True
)
NewDueDate = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "date-time"}),
    Field(description="The new due date, ISO 8601 (2026-12-01T18:00:00Z)."),
]


async def run(
    ctx: ToolContext, task_id: a.TaskId, due_date: NewDueDate, user_id: a.UserId = None
) -> Annotated[CallToolResult, Rescheduled]:
    async def act(caller: Caller) -> Payload:
        due = parsed(TaskPatch, {"due_date": due_date}).due_date
        if due is None:
            raise ToolFailure("Give the new due_date, e.g. 2026-12-01T18:00:00Z.")
        task, task_tags = await caller.write(reschedule_task, caller.principal, task_id, due)
        return task_answer("rescheduled", task, caller.task(task, task_tags))

    return await answer(ctx, user_id, TASKS_WRITE, act)
