"""update_task: change some of a task's fields (the rules of PATCH /api/tasks/{id})."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations

from domain.principal import TASKS_WRITE
from domain.schemas import TaskPatch
from domain.tasks import update_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, ToolFailure, answer
from mcp_tools.calls import arguments as parsed
from mcp_tools.results import Updated, task_answer

NAME = "update_task"
DESCRIPTION = (
    "Change a task's title, description, priority, due date, tags, recurrence, reminders or time "
    'zone; what is left out keeps its value, and "" clears the description, the due date or the '
    "recurrence. To move a recurring task's due date, reschedule_task also moves its reminders."
)
ANNOTATIONS = ToolAnnotations(
    title="Update a task", read_only_hint=False, destructive_hint=False, idempotent_hint=True
)


async def run(
    ctx: ToolContext,
    task_id: a.TaskId,
    title: a.Title | None = None,
    description: a.Description = None,
    priority: a.Priority = None,
    due_date: a.DueDate = None,
    tags: a.Tags = None,
    recurrence: a.Recurrence = None,
    reminders: a.Reminders = None,
    time_zone: a.TimeZone = None,
    user_id: a.UserId = None,
) -> Annotated[CallToolResult, Updated]:
    given = {
        "title": title,
        "description": description,
        "priority": priority,
        "due_date": due_date,
        "tags": tags,
        "recurrence": recurrence,
        "reminders": reminders,
        "time_zone": time_zone,
    }

    async def act(caller: Caller) -> Payload:
        fields = parsed(TaskPatch, given, emptied=("description", "due_date", "recurrence"))
        if not fields.model_fields_set:
            raise ToolFailure(
                "Nothing to change: give a title, description, priority, due_date, tags, recurrence, "
                "reminders or time_zone."
            )
        task, task_tags = await caller.write(update_task, caller.principal, task_id, fields)
        return task_answer("updated", task, caller.task(task, task_tags))

    return await answer(ctx, user_id, TASKS_WRITE, act)
