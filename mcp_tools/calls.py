"""What every tool does around its own work: who is calling, whether the token may, the
database calls, and the answer as the SDK wants it.

A failure a model can act on (no such task, an invalid argument, a missing scope, another
user's id) is a tool result with `isError` and one sentence naming the problem, never a
protocol error and never anything of another user's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from mcp.server.context import ServerRequestContext
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from domain.errors import DomainError, Invalid, NotFound, Unavailable
from domain.lists import find_list
from domain.principal import Principal, require_scope
from domain.views import list_json, task_json
from mcp_tools import refusals
from models import Task, TodoList
from runtime import calls
from runtime.auth import PRINCIPAL
from runtime.services import Services, services_of

ToolContext = ServerRequestContext[Any, Any]  # what the SDK's low-level server hands a handler
P = ParamSpec("P")
T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)
Payload = dict[str, Any]


class ToolFailure(Exception):
    """A failure the model can act on: its message is the one sentence it reads."""


@dataclass(frozen=True)
class Caller:
    principal: Principal
    services: Services
    root: str  # the service's URL as the client reached it, for the tasks' `url`

    async def read(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await calls.run(self.services, False, work, *args, **kwargs)

    async def write(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await calls.point_write(self.services, work, *args, **kwargs)

    def task(self, task: Task, tags: list[str]) -> Payload:
        return task_json(task, tags, self.root)

    def list(self, todo_list: TodoList, default_list_id: int | None) -> Payload:
        return list_json(todo_list, default_list_id, self.root)

    async def list_id(self, reference: int | str | None) -> int | None:
        """The id of the list a `list` argument names (None: not given)."""
        if reference is None:
            return None
        return (await self.read(find_list, self.principal, reference)).id


def caller_of(ctx: ToolContext) -> Caller:
    """The principal /mcp verified, from the HTTP request the SDK hands the tool."""
    request = ctx.request
    if not isinstance(request, Request):  # only the HTTP transport is served
        raise ToolFailure("This tool is served over HTTP only.")
    return Caller(request.scope[PRINCIPAL], services_of(request), str(request.base_url))


def arguments(model: type[ModelT], given: dict[str, Any], emptied: tuple[str, ...] = ()) -> ModelT:
    """The arguments given (None: not given) validated as the REST body would be, refused in
    one sentence; "" for one named in `emptied` is the body's null (it clears the field)."""
    body = {
        name: None if name in emptied and value == "" else value
        for name, value in given.items()
        if value is not None
    }
    return validated(model, body)


def validated(model: type[ModelT], body: dict[str, Any]) -> ModelT:
    """`body` as `model`, by the REST body's rules, or a ToolFailure naming what it refused."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise ToolFailure(refusals.sentence(error.errors(include_url=False), body)) from None


async def answer(
    ctx: ToolContext,
    user_id: str | None,
    scope: str,
    act: Callable[[Caller], Awaitable[Payload]],
) -> CallToolResult:
    """`act` for the caller when `user_id` (if given) is theirs and the token allows `scope`;
    its payload as structured content and as the same JSON in text, or the failure's sentence."""
    try:
        caller = caller_of(ctx)
        if user_id is not None and user_id != caller.principal.subject:
            raise ToolFailure("user_id is not the signed-in user: leave it out or give your own id.")
        require_scope(caller.principal, scope)
        payload = await act(caller)
    except ToolFailure as failure:
        return failed(str(failure))
    except DomainError as error:
        return failed(sentence(error))
    return CallToolResult(
        content=[TextContent(type="text", text=json.dumps(payload, ensure_ascii=False))],
        structured_content=payload,
    )


def failed(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def sentence(error: DomainError) -> str:
    """The domain's refusal as one sentence for a model (the MCP door's one mapping of them):
    a task not found is named by its id; an invalid value by the argument that held it."""
    match error:
        case NotFound(kind="task"):
            return f"Task {error.entity_id} was not found."
        case Invalid():
            return refusals.sentence([tool_named(problem) for problem in error.problems])
        case Unavailable():
            return "The database is unavailable: try again in a few seconds."
    return f"{error.message.rstrip('.')}."


def tool_named(problem: dict[str, Any]) -> dict[str, Any]:
    """A REST body's problem (`loc` starting with "body") as the tool's arguments name it: the
    body's `list_id` is the tool's `list`."""
    loc = ["list" if part == "list_id" else part for part in problem["loc"][1:]]
    return {**problem, "loc": loc, "msg": str(problem["msg"]).replace("list_id", "list")}
