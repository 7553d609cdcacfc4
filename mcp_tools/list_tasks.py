"""list_tasks: the user's tasks, filtered, searched and sorted."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_READ
from domain.schemas import TaskListQuery
from domain.task_list import matching
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.calls import arguments as parsed
from mcp_tools.results import TaskList

NAME = "list_tasks"
DESCRIPTION = (
    "List the user's tasks: all, pending or completed, optionally searched (q), filtered by "
    "priority, tag, due date, list or parent task, and sorted (position: the user's own order). "
    "Returns the tasks and how many match in all."
)
ANNOTATIONS = ToolAnnotations(title="List tasks", read_only_hint=True)


async def run(
    ctx: ToolContext,
    status: a.Status = "all",
    q: a.Search = None,
    priority: a.Priority = None,
    tag: a.Tag = None,
    due_before: a.DueBound = None,
    due_after: a.DueBound = None,
    sort: a.Sort = "-created_at",
    limit: a.Limit = 50,
    list: a.ListFilter = None,  # the argument's name in the tool's schema
    parent_id: a.ParentFilter = None,
    user_id: a.UserId = None,
) -> Annotated[CallToolResult, TaskList]:
    given = {
        "status": status,
        "q": q,
        "priority": priority,
        "tag": tag,
        "due_before": due_before,
        "due_after": due_after,
        "sort": sort,
        "limit": limit,
    }

    async def act(caller: Caller) -> Payload:
        parent = None if parent_id is None else parent_id or "none"
        query = parsed(TaskListQuery, {**given, "list_id": await caller.list_id(list), "parent_id": parent})
        found = await caller.read(matching, caller.principal, query)
        tasks = [caller.task(task, found.tags.get(task.id, [])) for task in found.tasks]
        return {"tasks": tasks, "total": found.total}

    return await answer(ctx, user_id, TASKS_READ, act)
