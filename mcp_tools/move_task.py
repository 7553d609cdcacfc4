"""move_task: reorder a task among its siblings, move it to another list, or under another task."""

from __future__ import annotations

from typing import Annotated, Any

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_WRITE
from domain.schemas import TaskMove
from domain.tasks import move_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer, validated
from mcp_tools.results import Moved, task_answer

NAME = "move_task"
DESCRIPTION = (
    "Move one of the user's tasks: right after another task (after), to another list (list), or "
    "under another task as a subtask (parent_id; 0 makes it a top-level task). Its subtasks move with it."
)
ANNOTATIONS = ToolAnnotations(
    title="Move a task", read_only_hint=False, destructive_hint=False, idempotent_hint=True
)


async def run(
    ctx: ToolContext,
    task_id: a.TaskId,
    list: a.ListRef = None,  # the argument's name in the tool's schema
    parent_id: a.MoveParent = None,
    after: a.After = None,
    user_id: a.UserId = None,
) -> Annotated[CallToolResult, Moved]:
    async def act(caller: Caller) -> Payload:
        body: dict[str, Any] = {}  # as the REST body: 0 is its null ("top level", "first")
        if list is not None:
            body["list_id"] = await caller.list_id(list)
        if parent_id is not None:
            body["parent_id"] = parent_id or None
        if after is not None:
            body["after"] = after or None
        move = validated(TaskMove, body)
        task, tags = await caller.write(move_task, caller.principal, task_id, move)
        return task_answer("moved", task, caller.task(task, tags))

    return await answer(ctx, user_id, TASKS_WRITE, act)
