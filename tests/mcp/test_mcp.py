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
    assert "pydantic" not in text and "validation error" not in text and "Error executing" not in text
    return text


def rest(server: Server, token: str, path: str = "/api/tasks?sort=created_at") -> Any:
    reply = call("GET", f"{server.base}{path}", None, token)
    assert reply.status == 200, reply.body
    return reply.body


def state(server: Server, token: str) -> Any:
    """What a refused call must leave as it was: the user's tasks (with their versions) and lists."""
    return rest(server, token), rest(server, token, "/api/lists")


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
        assert tool.input_schema["additionalProperties"] is False  # an unknown argument is refused
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert "user_id" in tool.input_schema["properties"]
    assert tools["add_task"].input_schema["required"] == ["title"]
    assert tools["update_task"].input_schema["required"] == ["task_id"]
    limit = tools["list_tasks"].input_schema["properties"]["limit"]
    assert (limit["type"], limit["minimum"], limit["maximum"]) == ("integer", 1, 200)
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
        assert several["errors"][0]["detail"] == "title must be 1 to 200 characters after trimming."
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
        assert await refused(client, "add_task", title="x", list="Inbox", parent_id=milk["task_id"]) == (
            "list: A subtask is in its parent's list: leave list out."
        )
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


async def test_what_was_not_found_is_named_the_list_the_parent_or_the_sibling(server: Server) -> None:
    """move_task of a task that exists, to a list, parent or sibling that is not the caller's:
    the sentence names that one, not the task; the same in add_task and list_tasks."""
    ann = signup(server, "ann.where@example.com")["access_token"]
    bob = signup(server, "bob.where@example.com")["access_token"]
    async with agent(server, bob) as client:
        bobs = (await use(client, "add_task", title="Bob's"))["task_id"]
        bobs_list = (await use(client, "add_list", name="Bob's list"))["list_id"]
    async with agent(server, ann) as client:
        task = (await use(client, "add_task", title="Ann's"))["task_id"]
        before = state(server, ann)
        assert await refused(client, "move_task", task_id=task, list="Nowhere") == (
            "No list is called 'Nowhere': list_lists shows them."
        )
        for unknown in (bobs_list, 10**30):
            assert await refused(client, "move_task", task_id=task, list=unknown) == (
                f"List {unknown} was not found: list_lists shows them."
            )
            assert await refused(client, "add_task", title="x", list=unknown) == (
                f"List {unknown} was not found: list_lists shows them."
            )
            assert await refused(client, "list_tasks", list=unknown) == (
                f"List {unknown} was not found: list_lists shows them."
            )
        digits = "9" * 30  # a name, or an id no database holds
        assert await refused(client, "add_task", title="x", list=digits) == (
            f"No list is called '{digits}': list_lists shows them."
        )
        assert await refused(client, "move_task", task_id=task, parent_id=bobs) == (
            f"parent_id: Task {bobs} is not one of your tasks."
        )
        assert await refused(client, "move_task", task_id=task, after=bobs) == (
            f"after: Task {bobs} is not a sibling where the task goes (same list and parent)."
        )
        assert await refused(client, "add_task", title="x", parent_id=bobs) == (
            f"parent_id: Task {bobs} is not one of your tasks."
        )
        # The task itself missing is still the task's, whatever else is given.
        assert await refused(client, "move_task", task_id=bobs, list="Inbox") == f"Task {bobs} was not found."
        assert state(server, ann) == before


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
            "recurrence: A recurring task needs a due_date."
        )
        assert (
            await refused(
                client, "add_task", title="x", due_date="2030-12-02T09:00:00Z", recurrence="FREQ=HOURLY"
            )
        ) == "recurrence is not a valid RRULE: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY."
        never = "FREQ=DAILY;INTERVAL=7;BYDAY=MO"  # a Monday every 7 days from a Thursday
        assert (
            await refused(client, "add_task", title="x", due_date="2026-01-01T09:00:00Z", recurrence=never)
        ).startswith("recurrence: No occurrence of the rule after the due date")
    assert len(rest(server, token)) == 2


async def test_failures_are_results_a_model_can_act_on(server: Server) -> None:
    token = signup(server, "failures@example.com")["access_token"]
    async with agent(server, token) as client:
        assert await refused(client, "get_task", task_id=999999) == "Task 999999 was not found."
        assert (
            await refused(client, "add_task", title="  ")
            == "title must be 1 to 200 characters after trimming."
        )
        assert await refused(client, "add_task", title="x", priority="urgent") == (
            "priority must be one of low, medium, high."
        )
        assert await refused(client, "list_tasks", limit=500) == "limit must be at most 200."
        assert "user_id" in await refused(client, "add_task", title="for bob", user_id="u_someone_else")
        assert (await refused(client, "update_task", task_id=1)).startswith("Nothing to change")
    assert rest(server, token) == []


TASK_ARGUMENTS = "task_id, user_id"
ADD_TASK_ARGUMENTS = (
    "title, description, priority, due_date, tags, list, parent_id, recurrence, reminders, time_zone, user_id"
)
UPDATE_TASK_ARGUMENTS = (
    "task_id, title, description, priority, due_date, tags, recurrence, reminders, time_zone, user_id"
)
LIST_TASKS_ARGUMENTS = (
    "status, q, priority, tag, due_before, due_after, sort, limit, list, parent_id, user_id"
)
ONE_TASK_TOOLS = ("get_task", "complete_task", "reopen_task", "delete_task")


def bad_arguments(tool: str, task: int) -> list[tuple[dict[str, Any], str]]:
    """Arguments `tool` refuses, with the sentence it answers: a required argument missing, a
    wrong type, a value out of range, an unknown argument (list_tasks and list_lists have no
    required argument, list_lists no range). `task` is the caller's own task."""
    if tool in ONE_TASK_TOOLS:
        return [
            ({}, "task_id is required."),
            ({"task_id": "abc"}, "task_id must be an integer."),
            ({"task_id": 2.5}, "task_id must be an integer."),
            ({"task_id": True}, "task_id must be an integer."),
            ({"task_id": 0}, "task_id must be at least 1."),
            ({"task_id": 2**63}, "task_id must be at most 9223372036854775807."),
            ({"task_id": task, "id": task}, f"Unknown argument id: the arguments are {TASK_ARGUMENTS}."),
        ]
    return {
        "add_task": [
            ({}, "title is required."),
            ({"description": "no title"}, "title is required."),
            ({"title": ["Milk"]}, "title must be a string."),
            ({"title": "Milk", "tags": [1]}, "tags[0] must be a string."),
            ({"title": "Milk", "list": 2.5}, "list must be an integer or a string."),
            ({"title": "x" * 201}, "title must be 1 to 200 characters after trimming."),
            ({"title": "Milk", "priority": "urgent"}, "priority must be one of low, medium, high."),
            ({"title": "Milk", "tags": ["a"] * 11}, "tags must have at most 10 items."),
            ({"title": "Milk", "parent_id": 0}, "parent_id must be at least 1."),
            (
                {"title": "Milk", "reminders": [{"before": "P99D"}]},
                "reminders[0].before must be at most 30 days (P30D).",
            ),
            ({"title": "Milk", "reminders": [{"bfore": "PT1M"}]}, "Unknown argument reminders[0].bfore."),
            (
                {"title": "Milk", "reminders": [{"before": "PT1M", "at": "2030-12-01T17:00:00Z"}]},
                "Unknown argument reminders[0].at.",
            ),
            (
                {"title": "Milk", "tittle": "Milk"},
                f"Unknown argument tittle: the arguments are {ADD_TASK_ARGUMENTS}.",
            ),
            (
                {"tittle": "Milk", "done": True},
                f"Unknown arguments tittle, done: the arguments are {ADD_TASK_ARGUMENTS}.",
            ),
        ],
        "list_tasks": [
            ({"limit": "ten"}, "limit must be an integer."),
            ({"limit": True}, "limit must be an integer."),
            ({"limit": 500}, "limit must be at most 200."),
            ({"limit": 0}, "limit must be at least 1."),
            ({"status": "done"}, "status must be one of all, pending, completed."),
            ({"parent_id": -1}, "parent_id must be at least 0."),
            ({"q": "x" * 201}, "q must be at most 200 characters."),
            ({"stauts": "all"}, f"Unknown argument stauts: the arguments are {LIST_TASKS_ARGUMENTS}."),
        ],
        "update_task": [
            ({"title": "Milk"}, "task_id is required."),
            ({"task_id": task, "tags": [1]}, "tags[0] must be a string."),
            ({"task_id": task, "description": "d" * 1001}, "description must be at most 1000 characters."),
            ({"task_id": task, "tags": ["  "]}, "tags[0] must be 1 to 30 characters after trimming."),
            (
                {"task_id": task, "completed": True},
                f"Unknown argument completed: the arguments are {UPDATE_TASK_ARGUMENTS}.",
            ),
        ],
        "add_tasks": [
            ({}, "tasks is required."),
            ({"tasks": {"title": "Milk"}}, "tasks must be a list."),
            ({"tasks": [{"title": 1}]}, "tasks[0].title must be a string."),
            ({"tasks": ["Milk"]}, "tasks[0] must be an object."),
            ({"tasks": [{"title": "Milk"}, {"priority": "low"}]}, "tasks[1].title is required."),
            ({"tasks": []}, "tasks must hold 1 to 25 tasks."),
            ({"tasks": [{"title": "Milk"}] * 26}, "tasks must hold 1 to 25 tasks."),
            ({"tasks": [{"tittle": "Milk"}]}, "Unknown argument tasks[0].tittle."),
            (
                {"tasks": [{"title": "Milk"}], "atomic": True},
                "Unknown argument atomic: the arguments are tasks, user_id.",
            ),
        ],
        "list_lists": [
            ({"user_id": 7}, "user_id must be a string."),
            ({"name": "Inbox"}, "Unknown argument name: the only argument is user_id."),
        ],
        "add_list": [
            ({}, "name is required."),
            ({"name": 5}, "name must be a string."),
            ({"name": "x" * 101}, "name must be 1 to 100 characters after trimming."),
            (
                {"name": "Home", "color": "black"},
                "color must be one of red, orange, yellow, green, teal, blue, purple, pink, gray.",
            ),
            (
                {"name": "Home", "colour": "red"},
                "Unknown argument colour: the arguments are name, color, user_id.",
            ),
        ],
        "move_task": [
            ({"after": 0}, "task_id is required."),
            ({"task_id": task, "after": "first"}, "after must be an integer."),
            ({"task_id": task, "list": [1]}, "list must be an integer or a string."),
            ({"task_id": task, "parent_id": -1}, "parent_id must be at least 0."),
            ({"task_id": task, "after": 2**63}, "after must be at most 9223372036854775807."),
            (
                {"task_id": task, "list_id": 1},
                "Unknown argument list_id: the arguments are task_id, list, parent_id, after, user_id.",
            ),
        ],
        "reschedule_task": [
            ({"task_id": task}, "due_date is required."),
            ({"task_id": task, "due_date": 20301201}, "due_date must be a string."),
            (
                {"task_id": task, "due_date": "next monday"},
                "due_date must be an ISO 8601 date-time, e.g. 2026-12-01T18:00:00Z.",
            ),
            (
                {"task_id": task, "due_date": "0001-01-01T00:00:00+01:00"},
                "due_date is out of range once converted to UTC.",
            ),
            ({"task_id": 0, "due_date": "2030-12-01T18:00:00Z"}, "task_id must be at least 1."),
            (
                {"task_id": task, "due_date": "2030-12-01T18:00:00Z", "when": "now"},
                "Unknown argument when: the arguments are task_id, due_date, user_id.",
            ),
        ],
    }[tool]


@pytest.mark.parametrize("tool", sorted(TOOLS))
async def test_an_invalid_argument_is_refused_in_one_sentence_naming_it(server: Server, tool: str) -> None:
    """Missing, of the wrong type, out of range or unknown, whether the input schema says so or
    our rules do: a tool result with isError and one sentence naming the argument (no pydantic
    report), and nothing changed."""
    token = signup(server, f"bad-{tool}@example.com")["access_token"]
    async with agent(server, token) as client:
        task = (await use(client, "add_task", title="Keep me", tags=["home"]))["task_id"]
        before = state(server, token)
        for arguments, expected in bad_arguments(tool, task):
            assert await refused(client, tool, **arguments) == expected, arguments
    assert state(server, token) == before


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


def test_no_token_is_401_with_the_oauth_challenge(server: Server, tmp_path: Path) -> None:
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
        # The challenge leads an MCP client to the OAuth metadata (tests/test_oauth.py).
        metadata = f"{server.base}/.well-known/oauth-protected-resource/mcp"
        expected = f'Bearer resource_metadata="{metadata}", scope="tasks:read tasks:write"'
        assert refusal.value.headers["WWW-Authenticate"] == expected
        assert json.loads(refusal.value.read())["code"] == "unauthorized"
