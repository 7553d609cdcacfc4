from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator
from starlette.requests import Request
from starlette.responses import Response

from domain.errors import DomainError
from domain.fields import Completed, EntityId
from domain.lists import create_list, delete_list, update_list
from domain.principal import TASKS_WRITE, Principal
from domain.schemas import ListCreate, ListPatch, TaskCreate, TaskMove, TaskPatch
from domain.tasks import complete_task, create_task, delete_task, move_task, update_task
from domain.validation import validate
from domain.versions import Condition, parse_condition
from domain.views import ListOut, TaskOut, list_json, task_json
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.errors import ApiError, api_error, validation_error
from handlers.http.responses import json_response
from handlers.http.tasks import base_url
from handlers.http.validation import parse_body
from models import Task, TodoList
from runtime import calls
from runtime.services import services_of

TempId = Annotated[str, Field(min_length=1, max_length=64)]
# A task's or list's id, or the temp_id of an earlier create in the same batch.
Reference = EntityId | TempId
ETagList = Annotated[str, Field(max_length=1024, description="as an If-Match header")]
# Fields of a body that may hold a temp_id instead of an id.
REFERENCE_FIELDS = ("list_id", "parent_id", "after")
Result = dict[str, Any]  # results[i]


class CreateOperation(BaseModel):
    op: Literal["create"]
    temp_id: TempId | None = None
    task: dict[str, Any] = Field(
        description="as the body of POST /api/tasks (list_id, parent_id: a temp_id too)"
    )


class UpdateOperation(BaseModel):
    op: Literal["update"]
    id: Reference
    if_match: ETagList | None = None
    task: dict[str, Any] = Field(description="as the body of PATCH /api/tasks/{id}")


class CompleteOperation(BaseModel):
    op: Literal["complete"]
    id: Reference
    completed: Completed | None = Field(default=None, description="left out: toggle")
    if_match: ETagList | None = None


class DeleteOperation(BaseModel):
    op: Literal["delete"]
    id: Reference
    if_match: ETagList | None = None


class MoveOperation(BaseModel):
    op: Literal["move"]
    id: Reference
    if_match: ETagList | None = None
    to: dict[str, Any] = Field(description="as the body of POST /api/tasks/{id}/move")


class CreateListOperation(BaseModel):
    op: Literal["create_list"]
    temp_id: TempId | None = None
    list: dict[str, Any] = Field(description="as the body of POST /api/lists")


class UpdateListOperation(BaseModel):
    op: Literal["update_list"]
    id: Reference
    if_match: ETagList | None = None
    list: dict[str, Any] = Field(description="as the body of PATCH /api/lists/{id}")


class DeleteListOperation(BaseModel):
    op: Literal["delete_list"]
    id: Reference
    if_match: ETagList | None = None
    move_to: Reference | None = Field(default=None, description="as ?move_to= of DELETE /api/lists/{id}")


Operation = Annotated[
    CreateOperation
    | UpdateOperation
    | CompleteOperation
    | DeleteOperation
    | MoveOperation
    | CreateListOperation
    | UpdateListOperation
    | DeleteListOperation,
    Field(discriminator="op"),
]
Creation = CreateOperation | CreateListOperation
# The operations on an existing task or list, by `id`, with an optional `if_match`.
Targeted = (
    UpdateOperation
    | CompleteOperation
    | DeleteOperation
    | MoveOperation
    | UpdateListOperation
    | DeleteListOperation
)


class BatchIn(BaseModel):
    operations: list[Operation] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def temp_ids_are_unique(self) -> BatchIn:
        temp_ids = [op.temp_id for op in self.operations if isinstance(op, Creation) and op.temp_id]
        if len(set(temp_ids)) != len(temp_ids):
            raise ValueError("each temp_id may name one create only")
        return self


class ResultOut(BaseModel):
    status: int
    task: TaskOut | None = None
    list: ListOut | None = None
    detail: Any = None
    code: str | None = None


class BatchOut(BaseModel):
    results: list[ResultOut]
    temp_ids: dict[str, int]


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/batch", "/api/{user_id}/batch"),
    summary="Run up to 100 task and list operations in order, each on its own",
    operation_id="batch",
    tag="sync",
    scope=TASKS_WRITE,
    response=BatchOut,
    body=BatchIn,
    errors=(400, 403, 413, 415, 422),
    description=(
        "results[i] is what the single request would answer (status and task or list, or status, detail "
        "and code). An id (and a list_id, parent_id, after or move_to) may be the temp_id of an earlier "
        "create or create_list; an operation on the temp_id of a failed create is 424. A malformed batch "
        "is a 422 and nothing runs."
    ),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    batch = await parse_body(request, BatchIn, services_of(request).settings.max_body_bytes)
    temp_ids: dict[str, int | None] = {}  # None: that create failed
    results = [await run(request, principal, operation, temp_ids) for operation in batch.operations]
    created = {temp_id: entity_id for temp_id, entity_id in temp_ids.items() if entity_id is not None}
    return json_response({"results": results, "temp_ids": created})


async def run(
    request: Request, principal: Principal, operation: Operation, temp_ids: dict[str, int | None]
) -> Result:
    """One operation, in a database call of its own, answered as its single request would be."""
    if isinstance(operation, Creation) and operation.temp_id is not None:
        temp_ids[operation.temp_id] = None  # until it has succeeded
    try:
        return await answer(request, principal, operation, Resolver(temp_ids))
    except (ApiError, DomainError) as refusal:  # a 503 too: the operations before it have run
        error = refusal if isinstance(refusal, ApiError) else api_error(refusal)
        return {"status": error.status, "detail": error.detail, "code": error.code}


async def answer(request: Request, principal: Principal, operation: Operation, ids: Resolver) -> Result:
    """What the operation's single request would answer (its status and task or list)."""
    return await ANSWERS[type(operation)](Call(request, principal, ids), operation)


@dataclass(frozen=True)
class Call:
    request: Request
    principal: Principal
    ids: Resolver

    def task(self, task_and_tags: tuple[Task, list[str]], status: int = 200) -> Result:
        task, tags = task_and_tags
        return {"status": status, "task": task_json(task, tags, base_url(self.request))}

    def target(self, operation: Targeted) -> tuple[int, Condition | None]:
        """The id an operation acts on (a temp_id resolved) and its `if_match`."""
        return self.ids.of(operation.id), parse_condition(operation.if_match)

    def list(self, list_and_default: tuple[TodoList, int | None], status: int = 200) -> Result:
        todo_list, default_id = list_and_default
        return {"status": status, "list": list_json(todo_list, default_id, base_url(self.request))}


async def answer_create(call: Call, operation: CreateOperation) -> Result:
    fields = validate(TaskCreate, call.ids.in_body(operation.task), "body")
    created = await calls.write(call.request, create_task, call.principal, fields)
    call.ids.created(operation.temp_id, created[0].id)
    return call.task(created, 201)


async def answer_update(call: Call, operation: UpdateOperation) -> Result:
    fields = validate(TaskPatch, call.ids.in_body(operation.task), "body")
    task_id, condition = call.target(operation)
    return call.task(await calls.write(call.request, update_task, call.principal, task_id, fields, condition))


async def answer_complete(call: Call, operation: CompleteOperation) -> Result:
    task_id, condition = call.target(operation)
    done = operation.completed
    return call.task(await calls.write(call.request, complete_task, call.principal, task_id, done, condition))


async def answer_delete(call: Call, operation: DeleteOperation) -> Result:
    task_id, condition = call.target(operation)
    await calls.write(call.request, delete_task, call.principal, task_id, condition)
    return {"status": 204, "task": None}


async def answer_move(call: Call, operation: MoveOperation) -> Result:
    to = validate(TaskMove, call.ids.in_body(operation.to), "body")
    task_id, condition = call.target(operation)
    return call.task(await calls.write(call.request, move_task, call.principal, task_id, to, condition))


async def answer_create_list(call: Call, operation: CreateListOperation) -> Result:
    fields = validate(ListCreate, operation.list, "body")
    created = await calls.write(call.request, create_list, call.principal, fields)
    call.ids.created(operation.temp_id, created[0].id)
    return call.list(created, 201)


async def answer_update_list(call: Call, operation: UpdateListOperation) -> Result:
    fields = validate(ListPatch, call.ids.in_body(operation.list), "body")
    list_id, condition = call.target(operation)
    return call.list(await calls.write(call.request, update_list, call.principal, list_id, fields, condition))


async def answer_delete_list(call: Call, operation: DeleteListOperation) -> Result:
    list_id, condition = call.target(operation)
    move_to = None if operation.move_to is None else call.ids.of(operation.move_to, "move_to")
    await calls.write(call.request, delete_list, call.principal, list_id, move_to, condition)
    return {"status": 204, "list": None}


# Each operation's answer, by its type (the `op` it names).
ANSWERS: dict[type[BaseModel], Callable[[Call, Any], Awaitable[Result]]] = {
    CreateOperation: answer_create,
    UpdateOperation: answer_update,
    CompleteOperation: answer_complete,
    DeleteOperation: answer_delete,
    MoveOperation: answer_move,
    CreateListOperation: answer_create_list,
    UpdateListOperation: answer_update_list,
    DeleteListOperation: answer_delete_list,
}


class Resolver:
    """Ids as given, or the ids the batch's earlier creates got for their temp_ids."""

    def __init__(self, temp_ids: dict[str, int | None]) -> None:
        self.temp_ids = temp_ids

    def created(self, temp_id: str | None, entity_id: int) -> None:
        if temp_id is not None:
            self.temp_ids[temp_id] = entity_id

    def of(self, reference: int | str, field: str = "id") -> int:
        """424 when the create of that temp_id failed; 422 when no create had it."""
        if isinstance(reference, int):
            return reference
        if reference not in self.temp_ids:
            msg = f"{reference!r} is not the temp_id of an earlier create in this batch"
            raise validation_error(("body", field), msg, "temp_id_unknown")
        entity_id = self.temp_ids[reference]
        if entity_id is None:
            raise ApiError(424, f"The create of temp_id {reference!r} failed")
        return entity_id

    def in_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` with the temp_ids in its REFERENCE_FIELDS replaced by ids."""
        return {
            name: self.of(value, name) if name in REFERENCE_FIELDS and isinstance(value, str) else value
            for name, value in body.items()
        }
