"""complete_task: set a task's completion (the same rule as PATCH /api/tasks/{id}/complete)."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_WRITE
from domain.tasks import complete_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.results import Completed, task_answer

NAME = "complete_task"
DESCRIPTION = "Mark one of the user's tasks done. Completing a task that is already done changes nothing."
ANNOTATIONS = ToolAnnotations(
    title="Complete a task", read_only_hint=False, destructive_hint=False, idempotent_hint=True
)


async def run(
    ctx: ToolContext, task_id: a.TaskId, user_id: a.UserId = None
) -> Annotated[CallToolResult, Completed]:
    async def act(caller: Caller) -> Payload:
        task, tags = await caller.write(complete_task, caller.principal, task_id, True)
        return task_answer("completed", task, caller.task(task, tags))

    return await answer(ctx, user_id, TASKS_WRITE, act)
