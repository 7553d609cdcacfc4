"""What the tools answer: their output schemas, and the structured content they send."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from domain.views import ListOut, TaskOut
from models import Task, TodoList


class TaskAnswer(BaseModel):
    task_id: int
    title: str
    task: TaskOut


class Created(TaskAnswer):
    status: Literal["created"]


class Found(TaskAnswer):
    status: Literal["found"]


class Completed(TaskAnswer):
    status: Literal["completed"]


class Reopened(TaskAnswer):
    status: Literal["reopened"]


class Updated(TaskAnswer):
    status: Literal["updated"]


class Moved(TaskAnswer):
    status: Literal["moved"]


class Rescheduled(TaskAnswer):
    status: Literal["rescheduled"]


class Deleted(BaseModel):
    task_id: int
    status: Literal["deleted"]
    title: str


class TaskList(BaseModel):
    tasks: list[TaskOut]
    total: int


class AddedTask(BaseModel):
    task_id: int
    title: str


class RefusedTask(BaseModel):
    index: int
    detail: str


class AddedTasks(BaseModel):
    created: list[AddedTask]
    errors: list[RefusedTask]


class Lists(BaseModel):
    lists: list[ListOut]


class CreatedList(BaseModel):
    list_id: int
    status: Literal["created"]
    name: str
    list: ListOut


def list_answer(status: str, todo_list: TodoList, list_json: dict[str, Any]) -> dict[str, Any]:
    return {"list_id": todo_list.id, "status": status, "name": todo_list.name, "list": list_json}


def task_answer(status: str, task: Task, task_json: dict[str, Any]) -> dict[str, Any]:
    return {"task_id": task.id, "status": status, "title": task.title, "task": task_json}
