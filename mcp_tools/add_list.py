"""add_list: create a list (last among the user's)."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.lists import create_list
from domain.principal import TASKS_WRITE
from domain.schemas import ListCreate
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.calls import arguments as parsed
from mcp_tools.results import CreatedList, list_answer

NAME = "add_list"
DESCRIPTION = "Add a task list (a project) to the user's lists. Returns the new list and its list_id."
ANNOTATIONS = ToolAnnotations(title="Add a list", read_only_hint=False, destructive_hint=False)


async def run(
    ctx: ToolContext, name: a.ListName, color: a.Color = None, user_id: a.UserId = None
) -> Annotated[CallToolResult, CreatedList]:
    given = {"name": name, "color": color}

    async def act(caller: Caller) -> Payload:
        todo_list, default_id = await caller.write(create_list, caller.principal, parsed(ListCreate, given))
        return list_answer("created", todo_list, caller.list(todo_list, default_id))

    return await answer(ctx, user_id, TASKS_WRITE, act)
