"""delete_task: delete one of the user's tasks."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_WRITE
from domain.tasks import delete_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.results import Deleted

NAME = "delete_task"
DESCRIPTION = "Delete one of the user's tasks by its task_id. It cannot be undone."
ANNOTATIONS = ToolAnnotations(
    title="Delete a task", read_only_hint=False, destructive_hint=True, idempotent_hint=True
)


async def run(
    ctx: ToolContext, task_id: a.TaskId, user_id: a.UserId = None
) -> Annotated[CallToolResult, Deleted]:
    async def act(caller: Caller) -> Payload:
        task = await caller.write(delete_task, caller.principal, task_id)
        return {"task_id": task_id, "status": "deleted", "title": task.title}

    return await answer(ctx, user_id, TASKS_WRITE, act)
