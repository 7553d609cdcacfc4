"""add_tasks: create up to 25 tasks at once, each on its own (a refused one stops no other)."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ToolAnnotations
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.errors import DomainError
from domain.principal import TASKS_WRITE
from domain.schemas import TaskCreate
from domain.tasks import create_task
from mcp_tools import arguments as a
from mcp_tools.calls import Caller, Payload, ToolContext, ToolFailure, answer, sentence
from mcp_tools.calls import arguments as parsed
from mcp_tools.results import AddedTasks

NAME = "add_tasks"
DESCRIPTION = (
    "Add several tasks at once (1 to 25), each as add_task would. Returns those made and those refused."
)
ANNOTATIONS = ToolAnnotations(title="Add tasks", read_only_hint=False, destructive_hint=False)


class NewTask(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelled field is refused, not dropped

    title: a.Title
    description: a.Description = None
    priority: a.Priority = None
    due_date: a.DueDate = None
    tags: a.Tags = None


def one_to_25(tasks: list[NewTask]) -> list[NewTask]:
    if not 1 <= len(tasks) <= 25:
        raise ValueError("must hold 1 to 25 tasks")
    return tasks


async def run(
    ctx: ToolContext,
    tasks: Annotated[
        list[NewTask],
        AfterValidator(one_to_25),
        Field(description="The tasks, 1 to 25, each as add_task's arguments."),
    ],
    user_id: a.UserId = None,
) -> Annotated[CallToolResult, AddedTasks]:
    async def act(caller: Caller) -> Payload:
        created, errors = [], []
        for index, new in enumerate(tasks):
            try:
                fields = parsed(TaskCreate, new.model_dump())
                task, _ = await caller.write(create_task, caller.principal, fields)
            except ToolFailure as failure:
                errors.append({"index": index, "detail": str(failure)})
            except DomainError as error:
                errors.append({"index": index, "detail": sentence(error)})
            else:
                created.append({"task_id": task.id, "title": task.title})
        return {"created": created, "errors": errors}

    return await answer(ctx, user_id, TASKS_WRITE, act)
