"""The one place tools are registered, and the SDK's low-level server and session manager built
on them (not its MCPServer framework: runtime/imports.py says why)."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolRequestParams, CallToolResult, ListToolsResult, PaginatedRequestParams
from starlette.applications import Starlette

from mcp_tools import (
    add_list,
    add_task,
    add_tasks,
    complete_task,
    delete_task,
    get_task,
    list_lists,
    list_tasks,
    move_task,
    reopen_task,
    reschedule_task,
    update_task,
)
from mcp_tools.calls import ToolContext, failed
from mcp_tools.checked import CheckedTool
from settings import SERVICE_VERSION

TOOLS: tuple[ModuleType, ...] = (
    add_task,
    list_tasks,
    get_task,
    complete_task,
    reopen_task,
    update_task,
    delete_task,
    add_tasks,
    list_lists,
    add_list,
    move_task,
    reschedule_task,
)
INSTRUCTIONS = (
    "Manage the signed-in user's todo list. Every tool acts for the user whose token this is; "
    "user_id, when given, must be that user. Find a task's id with list_tasks (q= searches titles), "
    "and the user's lists with list_lists."
)


CHECKED = {checked.name: checked for checked in map(CheckedTool.of, TOOLS)}
LISTED = ListToolsResult(tools=[checked.listed() for checked in CHECKED.values()])

logger = logging.getLogger("todo_api.mcp")


async def list_tools(ctx: ToolContext, params: PaginatedRequestParams | None) -> ListToolsResult:
    return LISTED


async def call_tool(ctx: ToolContext, params: CallToolRequestParams) -> CallToolResult:
    """The tool's result; a crash is logged and answered as a failed call that names no detail."""
    checked = CHECKED.get(params.name)
    if checked is None:
        return failed(f"Unknown tool: {params.name}.")
    try:
        return await checked.call(params.arguments or {}, ctx)
    except Exception:
        logger.exception("tool %r raised an unexpected exception", params.name)
        return failed(f"Error executing tool {params.name}.")


def input_schema(name: str) -> dict[str, Any] | None:
    checked = CHECKED.get(name)
    return None if checked is None else checked.input_schema


def build_server() -> Server[Any]:
    return Server(
        "todo-api",
        version=SERVICE_VERSION,
        instructions=INSTRUCTIONS,
        get_tool_input_schema=input_schema,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def transport(max_body_bytes: int) -> tuple[StreamableHTTPSessionManager, Starlette]:
    """The SDK's session manager (its `run()` is the caller's to enter) and the app that serves
    /mcp through it. Stateless, answering in JSON. No DNS-rebinding check: every request
    carries its bearer token (no cookie a browser would add by itself), which is what that
    check makes up for."""
    server = build_server()
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        max_request_body_size=max_body_bytes,  # MAX_BODY_BYTES, which /mcp checks first
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return server.session_manager, app
