"""get_task: one task by its id."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_READ
from domain.tasks import read_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.results import Found, task_answer

NAME = "get_task"
DESCRIPTION = "Read one of the user's tasks by its task_id."
ANNOTATIONS = ToolAnnotations(title="Read a task", read_only_hint=True)


async def run(
    ctx: ToolContext, task_id: a.TaskId, user_id: a.UserId = None
) -> Annotated[CallToolResult, Found]:
    async def act(caller: Caller) -> Payload:
        task, tags = await caller.read(read_task, caller.principal, task_id)
        return task_answer("found", task, caller.task(task, tags))

    return await answer(ctx, user_id, TASKS_READ, act)
