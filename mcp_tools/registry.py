"""The one place tools are registered, and the SDK's server and session manager built on them."""

from __future__ import annotations

from types import ModuleType

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
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


def build_server() -> MCPServer:
    tools: list[Tool] = [CheckedTool.of(tool) for tool in TOOLS]
    return MCPServer(name="todo-api", version=SERVICE_VERSION, instructions=INSTRUCTIONS, tools=tools)


def transport() -> tuple[StreamableHTTPSessionManager, Starlette]:
    """The SDK's session manager (its `run()` is the caller's to enter) and the app that serves
    /mcp through it. Stateless, answering in JSON. No DNS-rebinding check: every request
    carries its bearer token (no cookie a browser would add by itself), which is what that
    check makes up for."""
    server = build_server()
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return server.session_manager, app
