"""Property-based, on every database: whatever mix of creates, edits and deletes of tasks and
lists happens between a client's pulls of the change feed, no id is given twice (to any user),
no answer names an entity twice, and a client that applies every answer in order ends holding
exactly what the server holds."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from router import create_app
from settings import Settings
from tests.support.accounts import auth, signup

# A step of a program, with the numbers that pick what it acts on (small ones: the newest).
steps = st.one_of(
    st.tuples(st.just("create_task"), st.integers(0, 9)),  # in the n-th newest list
    st.tuples(st.just("create_subtask"), st.integers(0, 9)),  # of the n-th newest task
    st.tuples(st.just("edit_task"), st.integers(0, 9)),
    st.tuples(st.just("delete_task"), st.integers(0, 9)),
    st.tuples(st.just("create_list"), st.just(0)),
    st.tuples(st.just("delete_list"), st.integers(0, 9)),  # with its tasks
    st.tuples(st.just("empty_list"), st.integers(0, 9)),  # its tasks moved to the Inbox first
    st.tuples(st.just("pull"), st.integers(1, 4)),  # one answer of at most n entries
)


@dataclass
class Session:
    """One app for all the examples, each run by a new user."""

    client: TestClient
    emails: Iterator[int] = field(default_factory=itertools.count)


@pytest.fixture
def session(make_settings: Callable[..., Settings]) -> Iterator[Session]:
    with TestClient(create_app(make_settings())) as client:
        yield Session(client)


@dataclass
class FeedClient:
    """A phone following the feed: what it holds by (kind, id), and where it stands."""

    held: dict[tuple[str, int], Any] = field(default_factory=dict)
    cursor: str | None = None

    def pull(self, client: TestClient, headers: dict[str, str], limit: int) -> bool:
        """Apply one answer in order; whether the server has more."""
        params: dict[str, Any] = {"limit": limit, **({"since": self.cursor} if self.cursor else {})}
        answer = client.get("/api/changes", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        named = [(change["kind"], change["id"]) for change in page["changes"]]
        assert len(named) == len(set(named)), f"an entity twice in one answer: {page['changes']}"
        for change in page["changes"]:
            key = (change["kind"], change["id"])
            if change["op"] == "delete":
                self.held.pop(key, None)
            else:
                self.held[key] = change[change["kind"]]
        self.cursor = page["cursor"]
        return bool(page["has_more"])


def server_state(client: TestClient, headers: dict[str, str]) -> dict[tuple[str, int], Any]:
    tasks = client.get("/api/tasks", params={"limit": 1000}, headers=headers).json()
    lists = client.get("/api/lists", headers=headers).json()
    return {("task", task["id"]): task for task in tasks} | {("list", item["id"]): item for item in lists}


def newest(ids: list[int], pick: int) -> int | None:
    return sorted(ids, reverse=True)[pick % len(ids)] if ids else None


def run_step(
    client: TestClient, headers: dict[str, str], given_ids: dict[str, set[int]], step: tuple[str, int]
) -> None:
    """Do one step through the API (nothing when there is nothing for it to act on); every id
    a create answers must be new."""
    action, pick = step
    state = server_state(client, headers)
    tasks = [entity_id for kind, entity_id in state if kind == "task"]
    lists = [
        entity_id for (kind, entity_id), item in state.items() if kind == "list" and not item["is_default"]
    ]
    inbox = next(
        entity_id for (kind, entity_id), item in state.items() if kind == "list" and item["is_default"]
    )
    choices = {
        "create_task": [inbox, *lists],
        "create_subtask": tasks,
        "edit_task": tasks,
        "delete_task": tasks,
        "create_list": [0],
        "delete_list": lists,
        "empty_list": lists,
    }
    target = newest(choices[action], pick)
    if target is None:
        return
    if action in ("create_task", "create_subtask", "create_list"):
        kind = "list" if action == "create_list" else "task"
        body = {
            "create_task": {"title": "t", "list_id": target},
            "create_subtask": {"title": "s", "parent_id": target},
            "create_list": {"name": f"list {len(given_ids['list'])}"},
        }[action]
        answer = client.post(f"/api/{kind}s", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        made = answer.json()["id"]
        assert made not in given_ids[kind], f"{kind} id {made} given again"
        given_ids[kind].add(made)
        return
    if action == "edit_task":
        answer = client.patch(f"/api/tasks/{target}", json={"title": f"edited {pick}"}, headers=headers)
        assert answer.status_code == 200, answer.text
        return
    path = f"/api/tasks/{target}" if action == "delete_task" else f"/api/lists/{target}"
    params = {"move_to": inbox} if action == "empty_list" else {}
    answer = client.delete(path, params=params, headers=headers)
    assert answer.status_code == 204, answer.text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=st.lists(steps, max_size=30))
def test_a_feed_client_ends_with_what_the_server_holds(
    session: Session, program: list[tuple[str, int]]
) -> None:
    headers = auth(signup(session.client, f"user{next(session.emails)}@example.com")["access_token"])
    server_state(session.client, headers)  # the first read makes the user's Inbox
    phone, given_ids = FeedClient(), {"task": set[int](), "list": set[int]()}
    while phone.pull(session.client, headers, 1000):
        pass
    for step in program:
        if step[0] == "pull":
            phone.pull(session.client, headers, step[1])
        else:
            run_step(session.client, headers, given_ids, step)
    while phone.pull(session.client, headers, 3):
        pass
    assert phone.held == server_state(session.client, headers)
