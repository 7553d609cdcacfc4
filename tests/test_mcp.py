"""/mcp through the official `mcp` client against a real server: the eleven tools with their
schemas and annotations, a scripted agent walking the Phase III commands (the state checked
over REST after each step), JWTs and personal tokens of each scope, and nothing of another
user's ever reachable or named."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.support.accounts import signup
from tests.support.live import Server, call
from tests.support.tokens import SECRET

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

TOOLS = {
    "add_task",
    "list_tasks",
    "get_task",
    "complete_task",
    "reopen_task",
    "update_task",
    "delete_task",
    "add_tasks",
    "list_lists",
    "add_list",
    "move_task",
    "reschedule_task",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two workers: the transport is stateless, so either may answer any request."""
    data = tmp_path_factory.mktemp("mcp")
    started = Server({"DATA_DIR": str(data), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET}, workers=2).start()
    yield started
    started.stop()
    assert "Traceback" not in started.output()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def agent(server: Server, token: str) -> AsyncIterator[Client]:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with Client(streamable_http_client(f"{server.base}/mcp", http_client=http)) as client:
        yield client


async def use(client: Client, tool: str, **arguments: Any) -> Any:
    """A tool's structured answer; the text content says the same in JSON."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def refused(client: Client, tool: str, **arguments: Any) -> str:
    """The one sentence of a refused call (a tool result, not a protocol error)."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error and len(result.content) == 1
    text: str = result.content[0].text
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text
    return text


def rest(server: Server, token: str, path: str = "/api/tasks?sort=created_at") -> Any:
    reply = call("GET", f"{server.base}{path}", None, token)
    assert reply.status == 200, reply.body
    return reply.body


def personal_token(server: Server, login: str, scopes: list[str]) -> str:
    made = call("POST", f"{server.base}/api/auth/tokens", {"name": "agent", "scopes": scopes}, login)
    assert made.status == 201, made.body
    return str(made.body["token"])


async def test_the_tools_their_schemas_and_annotations(server: Server) -> None:
    token = signup(server, "schemas@example.com")["access_token"]
    async with agent(server, token) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert "user_id" in tool.input_schema["properties"]
    assert tools["add_task"].input_schema["required"] == ["title"]
    assert tools["update_task"].input_schema["required"] == ["task_id"]
    assert set(tools["list_tasks"].output_schema["properties"]) == {"tasks", "total"}
    hints = {name: tool.annotations for name, tool in tools.items()}
    assert hints["list_tasks"].read_only_hint and hints["get_task"].read_only_hint
    assert hints["delete_task"].destructive_hint is True
    assert hints["list_lists"].read_only_hint and not hints["add_list"].read_only_hint
    assert {"list", "parent_id"} <= set(tools["add_task"].input_schema["properties"])
    assert {"list", "parent_id"} <= set(tools["list_tasks"].input_schema["properties"])
    assert {"recurrence", "reminders", "time_zone"} <= set(tools["add_task"].input_schema["properties"])
    assert {"recurrence", "reminders", "time_zone"} <= set(tools["update_task"].input_schema["properties"])
    assert tools["reschedule_task"].input_schema["required"] == ["task_id", "due_date"]
    for name in (
        "complete_task",
        "reopen_task",
        "update_task",
        "delete_task",
        "move_task",
        "reschedule_task",
    ):
        assert hints[name].idempotent_hint is True, name
    assert not hints["add_task"].read_only_hint


async def test_an_agent_walks_the_phase_iii_commands(server: Server) -> None:
    account = signup(server, "agent@example.com")
    token = account["access_token"]
    async with agent(server, token) as client:
        # "Add a task to buy groceries"
        groceries = await use(client, "add_task", title="Buy groceries")
        assert groceries["status"] == "created" and groceries["title"] == "Buy groceries"
        assert [task["title"] for task in rest(server, token)] == ["Buy groceries"]
        assert rest(server, token, f"/api/tasks/{groceries['task_id']}") == groceries["task"]
        # "I need to remember to pay bills"; and a meeting, with a user_id as Phase III sends it
        await use(client, "add_task", title="Pay bills", priority="high", tags=["home"])
        await use(
            client,
            "add_task",
            title="Team meeting",
            due_date="2026-12-03T09:00:00Z",
            user_id=account["user"]["id"],
        )
        # "Show me all my tasks"
        everything = await use(client, "list_tasks", status="all")
        assert everything["total"] == 3 and {task["title"] for task in everything["tasks"]} == {
            "Buy groceries",
            "Pay bills",
            "Team meeting",
        }
        # "Mark task <groceries> as complete", twice: the second changes nothing
        done = await use(client, "complete_task", task_id=groceries["task_id"])
        again = await use(client, "complete_task", task_id=groceries["task_id"])
        assert (
            done["status"] == again["status"] == "completed"
            and again["task"]["version"] == done["task"]["version"]
        )
        assert rest(server, token, f"/api/tasks/{groceries['task_id']}")["completed"] is True
        # "What's pending?" / "What have I completed?"
        pending = await use(client, "list_tasks", status="pending")
        assert {task["title"] for task in pending["tasks"]} == {"Pay bills", "Team meeting"}
        completed = await use(client, "list_tasks", status="completed")
        assert [task["title"] for task in completed["tasks"]] == ["Buy groceries"]
        # "Delete the meeting task": find it, then delete it
        (meeting,) = (await use(client, "list_tasks", q="meeting"))["tasks"]
        deleted = await use(client, "delete_task", task_id=meeting["id"])
        assert deleted == {"task_id": meeting["id"], "status": "deleted", "title": "Team meeting"}
        assert "Team meeting" not in {task["title"] for task in rest(server, token)}
        # "Change task <bills> to 'Call mom tonight'"
        bills = next(task for task in rest(server, token) if task["title"] == "Pay bills")
        changed = await use(
            client, "update_task", task_id=bills["id"], title="Call mom tonight", description=""
        )
        assert changed["status"] == "updated" and changed["task"]["title"] == "Call mom tonight"
        assert rest(server, token, f"/api/tasks/{bills['id']}")["priority"] == "high"  # left as it was
        # "Actually, groceries are not done yet"
        reopened = await use(client, "reopen_task", task_id=groceries["task_id"])
        assert reopened["status"] == "reopened" and reopened["task"]["completed"] is False
        several = await use(
            client, "add_tasks", tasks=[{"title": "Water plants"}, {"title": ""}, {"title": "Book dentist"}]
        )
        assert [task["title"] for task in several["created"]] == ["Water plants", "Book dentist"]
        assert [error["index"] for error in several["errors"]] == [1]
        assert several["errors"][0]["detail"].startswith("Argument title:")
    # An agent's changes are the REST API's: in the change feed, with versions.
    feed = [change for change in rest(server, token, "/api/changes")["changes"] if change["kind"] == "task"]
    assert {change["task"]["title"] for change in feed} == {
        "Buy groceries",
        "Call mom tonight",
        "Water plants",
        "Book dentist",
    }


async def test_an_agent_works_with_lists_subtasks_and_order(server: Server) -> None:
    """ "Add milk to my Groceries list", by the list's name in any case; a subtask; moving."""
    token = signup(server, "lists-agent@example.com")["access_token"]
    async with agent(server, token) as client:
        lists = (await use(client, "list_lists"))["lists"]
        assert [(item["name"], item["is_default"]) for item in lists] == [("Inbox", True)]
        groceries = await use(client, "add_list", name="Groceries", color="green")
        assert groceries["status"] == "created" and groceries["list"]["is_default"] is False
        milk = await use(client, "add_task", title="Milk", list="groceries")
        eggs = await use(client, "add_task", title="Eggs", list=groceries["list_id"])
        assert milk["task"]["list_id"] == eggs["task"]["list_id"] == groceries["list_id"]
        oat = await use(client, "add_task", title="Oat milk", parent_id=milk["task_id"])
        assert (oat["task"]["parent_id"], oat["task"]["list_id"]) == (milk["task_id"], groceries["list_id"])
        found = await use(client, "list_tasks", list="GROCERIES", parent_id=0, sort="position")
        assert [task["title"] for task in found["tasks"]] == ["Milk", "Eggs"] and found["total"] == 2
        moved = await use(client, "move_task", task_id=eggs["task_id"], after=0)
        assert moved["status"] == "moved"
        found = await use(client, "list_tasks", list="Groceries", parent_id=0, sort="position")
        assert [task["title"] for task in found["tasks"]] == ["Eggs", "Milk"]
        await use(client, "move_task", task_id=milk["task_id"], list="Inbox")
        inbox_tasks = rest(server, token, f"/api/tasks?list_id={lists[0]['id']}&sort=position")
        assert [task["title"] for task in inbox_tasks] == ["Milk", "Oat milk"]  # with its subtask
        assert await refused(client, "add_task", title="x", list="Hardware") == (
            "No list is called 'Hardware': list_lists shows them."
        )
        assert "already have a list" in await refused(client, "add_list", name="groceries")
        assert "parent_id" in await refused(
            client, "move_task", task_id=milk["task_id"], parent_id=oat["task_id"]
        )
    other = signup(server, "lists-other@example.com")["access_token"]
    async with agent(server, other) as client:
        assert await refused(client, "add_task", title="x", list=groceries["list_id"])
        assert await refused(client, "move_task", task_id=eggs["task_id"], after=0) == (
            f"Task {eggs['task_id']} was not found."
        )
    assert [item["name"] for item in rest(server, token, "/api/lists")] == ["Inbox", "Groceries"]


async def test_an_agent_makes_recurring_tasks_with_reminders_and_reschedules_them(server: Server) -> None:
    """ "Remind me 15 minutes before the weekly meeting, every Monday at 9": the rule, the
    reminders, completing (the next occurrence), rescheduling and stopping the series."""
    token = signup(server, "recurring-agent@example.com")["access_token"]
    async with agent(server, token) as client:
        made = await use(
            client,
            "add_task",
            title="Weekly meeting",
            due_date="2030-12-02T09:00:00Z",
            recurrence="FREQ=WEEKLY;BYDAY=MO",
            reminders=[{"before": "PT15M"}, {"at": "2030-12-02T07:00:00Z"}],
            time_zone="Europe/London",
        )
        assert (made["task"]["recurrence"], made["task"]["time_zone"]) == (
            "FREQ=WEEKLY;BYDAY=MO",
            "Europe/London",
        )
        await use(client, "complete_task", task_id=made["task_id"])
        (following,) = (await use(client, "list_tasks", status="pending"))["tasks"]
        assert following["due_date"] == "2030-12-09T09:00:00Z" and following["series_id"] == made["task_id"]
        moved = await use(client, "reschedule_task", task_id=following["id"], due_date="2030-12-10T10:00:00Z")
        assert moved["status"] == "rescheduled" and moved["task"]["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
        assert moved["task"]["reminders"] == [{"before": "PT15M"}, {"at": "2030-12-10T08:00:00Z"}]
        armed = rest(server, token, "/api/reminders?before=2100-01-01T00:00:00Z")
        assert [reminder["fire_at"] for reminder in armed] == ["2030-12-10T08:00:00Z", "2030-12-10T09:45:00Z"]
        stopped = await use(client, "update_task", task_id=following["id"], recurrence="", reminders=[])
        assert stopped["task"]["recurrence"] is None and stopped["task"]["reminders"] == []
        assert rest(server, token, "/api/reminders?before=2100-01-01T00:00:00Z") == []
        assert (await refused(client, "add_task", title="x", recurrence="FREQ=DAILY")) == (
            "Argument recurrence: A recurring task needs a due_date."
        )
        assert (
            await refused(
                client, "add_task", title="x", due_date="2030-12-02T09:00:00Z", recurrence="FREQ=HOURLY"
            )
        ).startswith("Argument recurrence:")
    assert len(rest(server, token)) == 2


async def test_failures_are_results_a_model_can_act_on(server: Server) -> None:
    token = signup(server, "failures@example.com")["access_token"]
    async with agent(server, token) as client:
        assert await refused(client, "get_task", task_id=999999) == "Task 999999 was not found."
        assert (await refused(client, "add_task", title="  ")).startswith("Argument title:")
        assert (await refused(client, "add_task", title="x", priority="urgent")).startswith(
            "Argument priority:"
        )
        assert (await refused(client, "list_tasks", limit=500)) == "Argument limit: must be 1 to 200."
        assert "user_id" in await refused(client, "add_task", title="for bob", user_id="u_someone_else")
        assert (await refused(client, "update_task", task_id=1)).startswith("Nothing to change")
    assert rest(server, token) == []


async def test_another_users_task_is_never_reached_nor_named(server: Server) -> None:
    ann = signup(server, "ann.mcp@example.com")["access_token"]
    bob = signup(server, "bob.mcp@example.com")["access_token"]
    async with agent(server, ann) as client:
        secret = await use(client, "add_task", title="Ann's secret plan")
    task_id = secret["task_id"]
    async with agent(server, bob) as client:
        for tool, arguments in (
            ("get_task", {}),
            ("complete_task", {}),
            ("reopen_task", {}),
            ("update_task", {"title": "hijacked"}),
            ("delete_task", {}),
        ):
            text = await refused(client, tool, task_id=task_id, **arguments)
            assert text == f"Task {task_id} was not found." and "secret" not in text
        assert (await use(client, "list_tasks"))["tasks"] == []
    assert [task["title"] for task in rest(server, ann)] == ["Ann's secret plan"]


async def test_personal_tokens_of_each_scope(server: Server) -> None:
    login = signup(server, "scopes.mcp@example.com")["access_token"]
    reader = personal_token(server, login, ["tasks:read"])
    writer = personal_token(server, login, ["tasks:write"])
    both = personal_token(server, login, ["tasks:read", "tasks:write"])
    async with agent(server, both) as client:
        made = await use(client, "add_task", title="by the agent")
    async with agent(server, reader) as client:
        assert (await use(client, "list_tasks"))["total"] == 1
        assert (await use(client, "get_task", task_id=made["task_id"]))["status"] == "found"
        for tool, arguments in (
            ("add_task", {"title": "no"}),
            ("complete_task", {"task_id": made["task_id"]}),
            ("update_task", {"task_id": made["task_id"], "title": "no"}),
            ("delete_task", {"task_id": made["task_id"]}),
            ("add_tasks", {"tasks": [{"title": "no"}]}),
        ):
            assert await refused(client, tool, **arguments) == "This token lacks the tasks:write scope."
    async with agent(server, writer) as client:
        assert await refused(client, "list_tasks") == "This token lacks the tasks:read scope."
        assert (await use(client, "complete_task", task_id=made["task_id"]))["status"] == "completed"
    assert [(task["title"], task["completed"]) for task in rest(server, login)] == [("by the agent", True)]


def test_no_token_is_401_with_the_bearer_challenge(server: Server, tmp_path: Path) -> None:
    ping = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Bearer tdo_" + "A" * 43}):
        request = urllib.request.Request(
            f"{server.base}/mcp",
            data=ping,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream",
                **headers,
            },
        )
        with pytest.raises(urllib.error.HTTPError) as refusal:
            urllib.request.urlopen(request, timeout=10)
        assert refusal.value.code == 401
        assert refusal.value.headers["WWW-Authenticate"] == "Bearer"
        assert json.loads(refusal.value.read())["code"] == "unauthorized"
