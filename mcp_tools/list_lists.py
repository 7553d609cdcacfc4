"""list_lists: the user's lists, in their order, with how many tasks each holds."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.lists import read_lists
from domain.principal import TASKS_READ
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.results import Lists

NAME = "list_lists"
DESCRIPTION = (
    "List the user's task lists (projects) in their order, each with its id, name, colour, whether "
    "it is the default (the Inbox), and its task_count and open_count."
)
ANNOTATIONS = ToolAnnotations(title="List the lists", read_only_hint=True)


async def run(ctx: ToolContext, user_id: a.UserId = None) -> Annotated[CallToolResult, Lists]:
    async def act(caller: Caller) -> Payload:
        lists, default_id = await caller.read(read_lists, caller.principal)
        return {"lists": [caller.list(todo_list, default_id) for todo_list in lists]}

    return await answer(ctx, user_id, TASKS_READ, act)
