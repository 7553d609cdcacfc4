from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StrictInt, model_validator
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.conditions import parse_condition
from handlers.common.crud.tasks import complete_task, create_task, delete_task, update_task
from handlers.common.endpoint import Endpoint
from handlers.common.errors import ApiError, validation_error
from handlers.common.responses import json_response
from handlers.common.schemas import INT64_MAX, Completed, TaskCreate, TaskOut, TaskPatch, integral
from handlers.common.services import services_of
from handlers.common.tasks import base_url, task_json
from handlers.common.tokens import TASKS_WRITE, Principal
from handlers.common.validation import parse_body, validate

TempId = Annotated[str, Field(min_length=1, max_length=64)]
# A task's id, or the temp_id of an earlier create in the same batch.
TaskRef = Annotated[StrictInt, Field(ge=1, le=INT64_MAX), BeforeValidator(integral)] | TempId
ETagList = Annotated[str, Field(max_length=1024, description="as an If-Match header")]


class CreateOperation(BaseModel):
    op: Literal["create"]
    temp_id: TempId | None = None
    task: dict[str, Any] = Field(description="as the body of POST /api/tasks")


class UpdateOperation(BaseModel):
    op: Literal["update"]
    id: TaskRef
    if_match: ETagList | None = None
    task: dict[str, Any] = Field(description="as the body of PATCH /api/tasks/{id}")


class CompleteOperation(BaseModel):
    op: Literal["complete"]
    id: TaskRef
    completed: Completed | None = Field(default=None, description="left out: toggle")
    if_match: ETagList | None = None


class DeleteOperation(BaseModel):
    op: Literal["delete"]
    id: TaskRef
    if_match: ETagList | None = None


Operation = Annotated[
    CreateOperation | UpdateOperation | CompleteOperation | DeleteOperation, Field(discriminator="op")
]


class BatchIn(BaseModel):
    operations: list[Operation] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def temp_ids_are_unique(self) -> BatchIn:
        temp_ids = [op.temp_id for op in self.operations if isinstance(op, CreateOperation) and op.temp_id]
        if len(set(temp_ids)) != len(temp_ids):
            raise ValueError("each temp_id may name one create only")
        return self


class ResultOut(BaseModel):
    status: int
    task: TaskOut | None = None
    detail: Any = None
    code: str | None = None


class BatchOut(BaseModel):
    results: list[ResultOut]
    temp_ids: dict[str, int]


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/batch", "/api/{user_id}/batch"),
    summary="Run up to 100 task operations in order, each on its own",
    operation_id="batch",
    tag="sync",
    scope=TASKS_WRITE,
    response=BatchOut,
    body=BatchIn,
    errors=(400, 403, 413, 415, 422),
    description=(
        "results[i] is what the single request would answer (status and task, or status, detail and "
        "code). An id may be the temp_id of an earlier create; an operation on the temp_id of a failed "
        "create is 424. A malformed batch is a 422 and nothing runs."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    batch = await parse_body(request, BatchIn, services_of(request).settings.max_body_bytes)
    temp_ids: dict[str, int | None] = {}  # None: that create failed
    results = [await run(request, principal, operation, temp_ids) for operation in batch.operations]
    created = {temp_id: task_id for temp_id, task_id in temp_ids.items() if task_id is not None}
    return json_response({"results": results, "temp_ids": created})


async def run(
    request: Request, principal: Principal, operation: Operation, temp_ids: dict[str, int | None]
) -> dict[str, Any]:
    """One operation, in a database call of its own, answered as its single request would be."""
    try:
        if isinstance(operation, CreateOperation):
            return await create(request, principal, operation, temp_ids)
        task_id = resolve(operation.id, temp_ids)
        condition = parse_condition(operation.if_match)
        if isinstance(operation, UpdateOperation):
            fields = validate(TaskPatch, operation.task, "body")
            task, tags = await db.write(request, update_task, principal, task_id, fields, condition)
        elif isinstance(operation, CompleteOperation):
            done = operation.completed
            task, tags = await db.write(request, complete_task, principal, task_id, done, condition)
        else:
            await db.write(request, delete_task, principal, task_id, condition)
            return {"status": 204, "task": None}
        return {"status": 200, "task": task_json(task, tags, base_url(request))}
    except ApiError as error:  # a 503 too: the operations before it have run, and say so
        return {"status": error.status, "detail": error.detail, "code": error.code}


async def create(
    request: Request, principal: Principal, operation: CreateOperation, temp_ids: dict[str, int | None]
) -> dict[str, Any]:
    if operation.temp_id is not None:
        temp_ids[operation.temp_id] = None  # until it has succeeded
    fields = validate(TaskCreate, operation.task, "body")
    task, tags = await db.write(request, create_task, principal, fields)
    if operation.temp_id is not None:
        temp_ids[operation.temp_id] = task.id
    return {"status": 201, "task": task_json(task, tags, base_url(request))}


def resolve(reference: int | str, temp_ids: dict[str, int | None]) -> int:
    """A task id as given, or the id a temp_id's create got; 424 when that create failed."""
    if isinstance(reference, int):
        return reference
    if reference not in temp_ids:
        msg = f"{reference!r} is not the temp_id of an earlier create in this batch"
        raise validation_error(("body", "id"), msg, "temp_id_unknown")
    task_id = temp_ids[reference]
    if task_id is None:
        raise ApiError(424, f"The create of temp_id {reference!r} failed")
    return task_id
