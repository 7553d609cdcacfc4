"""add_task: create a task (the Phase III specification's name and arguments)."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_WRITE
from domain.schemas import TaskCreate
from domain.tasks import create_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, answer
from mcp_tools.calls import arguments as parsed
from mcp_tools.results import Created, task_answer

NAME = "add_task"
DESCRIPTION = (
    "Add a task to the user's todo list: to the Inbox, or to the list named, or as a subtask of "
    "parent_id; recurring (recurrence) and with reminders if asked. Returns the new task and its task_id."
)
ANNOTATIONS = ToolAnnotations(title="Add a task", read_only_hint=False, destructive_hint=False)


async def run(
    ctx: ToolContext,
    title: a.Title,
    description: a.Description = None,
    priority: a.Priority = None,
    due_date: a.DueDate = None,
    tags: a.Tags = None,
    list: a.ListRef = None,  # the argument's name in the tool's schema
    parent_id: a.ParentId = None,
    recurrence: a.Recurrence = None,
    reminders: a.Reminders = None,
    time_zone: a.TimeZone = None,
    user_id: a.UserId = None,
) -> Annotated[CallToolResult, Created]:
    given = {
        "title": title,
        "description": description,
        "priority": priority,
        "due_date": due_date,
        "tags": tags,
        "parent_id": parent_id,
        "recurrence": recurrence,
        "reminders": reminders,
        "time_zone": time_zone,
    }

    async def act(caller: Caller) -> Payload:
        fields = parsed(TaskCreate, {**given, "list_id": await caller.list_id(list)})
        task, task_tags = await caller.write(create_task, caller.principal, fields)
        return task_answer("created", task, caller.task(task, task_tags))

    return await answer(ctx, user_id, TASKS_WRITE, act)
