"""Lists, subtasks and ordering through the app, on every database: the Inbox, list CRUD with
ETags, tasks' list_id, parent_id and position, moving, the new filters, cascading deletion and
completion, lists in the change feed and in batches, and one user never reaching another's."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

SHAPES = ["own", "user"]
Headers = dict[str, str]


def prefix(client: TestClient, headers: Headers, shape: str) -> str:
    return "/api" if shape == "own" else f"/api/{client.get('/api/auth/me', headers=headers).json()['id']}"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def new_list(client: TestClient, headers: Headers, name: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(client.post("/api/lists", json={"name": name, **fields}, headers=headers), 201)
    return body


def new_task(client: TestClient, headers: Headers, title: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(
        client.post("/api/tasks", json={"title": title, **fields}, headers=headers), 201
    )
    return body


def lists_of(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get("/api/lists", headers=headers))
    return found


def inbox(client: TestClient, headers: Headers) -> dict[str, Any]:
    (default,) = [todo_list for todo_list in lists_of(client, headers) if todo_list["is_default"]]
    return default


def titles(client: TestClient, headers: Headers, query: str) -> list[str]:
    return [task["title"] for task in ok(client.get(f"/api/tasks?{query}", headers=headers))]


def move(client: TestClient, headers: Headers, task: dict[str, Any], **to: Any) -> Any:
    return client.post(f"/api/tasks/{task['id']}/move", json=to, headers=headers)


def task(client: TestClient, headers: Headers, task_id: int) -> dict[str, Any]:
    body: dict[str, Any] = ok(client.get(f"/api/tasks/{task_id}", headers=headers))
    return body


# Lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_every_user_has_one_inbox_from_the_first_request(
    client: TestClient, ann_auth: Headers, shape: str
) -> None:
    api = prefix(client, ann_auth, shape)
    first = ok(client.get(f"{api}/lists", headers=ann_auth))
    assert [(item["name"], item["is_default"], item["task_count"]) for item in first] == [("Inbox", True, 0)]
    assert ok(client.get(f"{api}/lists", headers=ann_auth)) == first  # made once
    assert set(first[0]) == {
        "id", "name", "color", "position", "is_default", "task_count", "open_count", "version", "url",
        "created_at", "updated_at",
    }  # fmt: skip
    assert first[0]["url"].endswith(f"/api/lists/{first[0]['id']}")
    created = new_task(client, ann_auth, "Buy milk")
    assert created["list_id"] == first[0]["id"] and created["parent_id"] is None


def test_a_first_task_makes_the_inbox_too(client: TestClient, ann_auth: Headers) -> None:
    created = new_task(client, ann_auth, "first")
    assert inbox(client, ann_auth)["id"] == created["list_id"]
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox"]


@pytest.mark.parametrize("shape", SHAPES)
def test_lists_are_created_read_renamed_recoloured_and_deleted(
    client: TestClient, ann_auth: Headers, shape: str
) -> None:
    api = prefix(client, ann_auth, shape)
    made = client.post(f"{api}/lists", json={"name": "  Work  ", "color": "blue"}, headers=ann_auth)
    work = ok(made, 201)
    assert (work["name"], work["color"], work["is_default"], work["version"]) == ("Work", "blue", False, 1)
    assert made.headers["location"] == work["url"] and made.headers["etag"].startswith('"')
    got = client.get(f"{api}/lists/{work['id']}", headers=ann_auth)
    assert got.json() == work and got.headers["etag"] == made.headers["etag"]
    renamed = ok(
        client.patch(f"{api}/lists/{work['id']}", json={"name": "Job", "color": None}, headers=ann_auth)
    )
    assert (renamed["name"], renamed["color"], renamed["version"]) == ("Job", None, 2)
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox", "Job"]
    ok(client.delete(f"{api}/lists/{work['id']}", headers=ann_auth), 204)
    assert client.get(f"{api}/lists/{work['id']}", headers=ann_auth).status_code == 404
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "tab\there"}, "name"),
        ({"name": "Work", "color": "magenta"}, "color"),
    ],
)
def test_a_bad_list_is_422_naming_the_field(
    client: TestClient, ann_auth: Headers, body: Any, field: str
) -> None:
    answer = client.post("/api/lists", json=body, headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", field]
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox"]


def test_list_names_are_unique_whatever_their_case(
    client: TestClient, ann_auth: Headers, bob_auth: Headers
) -> None:
    work = new_list(client, ann_auth, "Work")
    for taken in ("work", "WORK", " Work ", "inbox"):
        answer = client.post("/api/lists", json={"name": taken}, headers=ann_auth)
        assert answer.status_code == 409 and answer.json()["code"] == "conflict", taken
    home = new_list(client, ann_auth, "Home")
    assert (
        client.patch(f"/api/lists/{home['id']}", json={"name": "WORK"}, headers=ann_auth).status_code == 409
    )
    assert (
        ok(client.patch(f"/api/lists/{work['id']}", json={"name": "WORK"}, headers=ann_auth))["name"]
        == "WORK"
    )
    assert new_list(client, bob_auth, "Work")["name"] == "Work"  # names are per user


def test_the_inbox_can_be_renamed_not_deleted(client: TestClient, ann_auth: Headers) -> None:
    default = inbox(client, ann_auth)
    answer = client.delete(f"/api/lists/{default['id']}", headers=ann_auth)
    assert answer.status_code == 409 and answer.json()["code"] == "conflict"
    renamed = ok(client.patch(f"/api/lists/{default['id']}", json={"name": "Unsorted"}, headers=ann_auth))
    assert renamed["is_default"] is True and renamed["name"] == "Unsorted"
    assert new_list(client, ann_auth, "Inbox")["is_default"] is False
    assert new_task(client, ann_auth, "where?")["list_id"] == default["id"]


def test_lists_move_after_another_or_first(client: TestClient, ann_auth: Headers) -> None:
    default = inbox(client, ann_auth)
    a, b, c = (new_list(client, ann_auth, name) for name in "ABC")

    def patch_after(todo_list: dict[str, Any], after: int | None) -> dict[str, Any]:
        body: dict[str, Any] = ok(
            client.patch(f"/api/lists/{todo_list['id']}", json={"after": after}, headers=ann_auth)
        )
        return body

    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox", "A", "B", "C"]
    patch_after(c, default["id"])
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox", "C", "A", "B"]
    patch_after(default, None)  # already first: nothing changes
    patch_after(b, None)
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["B", "Inbox", "C", "A"]
    unchanged = {item["id"]: item["position"] for item in lists_of(client, ann_auth)}
    assert unchanged[a["id"]] == a["position"]  # only the moved lists changed
    answer = client.patch(f"/api/lists/{a['id']}", json={"after": 999999}, headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "after"]


def test_list_etags_if_match_and_if_none_match(client: TestClient, ann_auth: Headers) -> None:
    made = client.post("/api/lists", json={"name": "Work"}, headers=ann_auth)
    url, etag = f"/api/lists/{made.json()['id']}", made.headers["etag"]
    answer = client.get(url, headers={**ann_auth, "If-None-Match": etag})
    assert (answer.status_code, answer.headers["etag"]) == (304, etag)
    new_task(client, ann_auth, "counted", list_id=made.json()["id"])  # the counts are the list's too
    counted = client.get(url, headers={**ann_auth, "If-None-Match": etag})
    assert (
        counted.status_code == 200 and counted.json()["task_count"] == 1 and counted.headers["etag"] != etag
    )
    stale = client.patch(url, json={"name": "Job"}, headers={**ann_auth, "If-Match": etag})
    assert stale.status_code == 412 and stale.headers["etag"] == counted.headers["etag"]
    assert client.delete(url, headers={**ann_auth, "If-Match": etag}).status_code == 412
    current = {**ann_auth, "If-Match": counted.headers["etag"]}
    assert ok(client.patch(url, json={"name": "Job"}, headers=current))["name"] == "Job"


def test_at_most_1000_lists(client: TestClient, ann_auth: Headers) -> None:
    for start in range(0, 999, 100):  # the Inbox and 999 more
        operations = [
            {"op": "create_list", "list": {"name": f"list {n}"}} for n in range(start, min(start + 100, 999))
        ]
        results = ok(client.post("/api/batch", json={"operations": operations}, headers=ann_auth))["results"]
        assert {result["status"] for result in results} == {201}
    answer = client.post("/api/lists", json={"name": "one too many"}, headers=ann_auth)
    assert answer.status_code == 409 and "1000" in answer.json()["detail"]
    assert len(lists_of(client, ann_auth)) == 1000


# Tasks in lists, subtasks ---------------------------------------------------------------------


def test_a_task_goes_to_the_list_given_and_last_among_its_siblings(
    client: TestClient, ann_auth: Headers
) -> None:
    work = new_list(client, ann_auth, "Work")
    first, second = (new_task(client, ann_auth, title, list_id=work["id"]) for title in ("first", "second"))
    assert first["list_id"] == second["list_id"] == work["id"]
    assert first["position"] < second["position"]
    assert titles(client, ann_auth, f"list_id={work['id']}&sort=position") == ["first", "second"]
    assert titles(client, ann_auth, f"list_id={work['id']}&sort=-position") == ["second", "first"]
    answer = client.post("/api/tasks", json={"title": "x", "list_id": 999999}, headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "list_id"]
    answer = client.post("/api/tasks", json={"title": "x", "list_id": None}, headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "list_id"]


def test_without_list_id_the_list_spans_every_list_as_before(client: TestClient, ann_auth: Headers) -> None:
    work = new_list(client, ann_auth, "Work")
    new_task(client, ann_auth, "inbox task")
    new_task(client, ann_auth, "work task", list_id=work["id"])
    assert titles(client, ann_auth, "") == ["work task", "inbox task"]
    assert titles(client, ann_auth, f"list_id={inbox(client, ann_auth)['id']}") == ["inbox task"]
    answer = client.get("/api/tasks?list_id=abc", headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "list_id"]


def test_subtasks_live_in_their_parents_list_up_to_four_levels(client: TestClient, ann_auth: Headers) -> None:
    work = new_list(client, ann_auth, "Work")
    chain = [new_task(client, ann_auth, "level 1", list_id=work["id"])]
    for level in (2, 3, 4):
        chain.append(new_task(client, ann_auth, f"level {level}", parent_id=chain[-1]["id"]))
    assert [item["list_id"] for item in chain] == [work["id"]] * 4
    assert [item["parent_id"] for item in chain] == [None, *(item["id"] for item in chain[:3])]
    too_deep = client.post(
        "/api/tasks", json={"title": "level 5", "parent_id": chain[-1]["id"]}, headers=ann_auth
    )
    assert too_deep.status_code == 422 and too_deep.json()["detail"][0]["loc"] == ["body", "parent_id"]
    elsewhere = {"title": "x", "parent_id": chain[0]["id"], "list_id": inbox(client, ann_auth)["id"]}
    answer = client.post("/api/tasks", json=elsewhere, headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "list_id"]
    assert titles(client, ann_auth, f"parent_id={chain[0]['id']}") == ["level 2"]
    assert titles(client, ann_auth, f"list_id={work['id']}&parent_id=none") == ["level 1"]


def test_a_cycle_or_a_fifth_level_by_moving_is_422(client: TestClient, ann_auth: Headers) -> None:
    top = new_task(client, ann_auth, "top")
    child = new_task(client, ann_auth, "child", parent_id=top["id"])
    grandchild = new_task(client, ann_auth, "grandchild", parent_id=child["id"])
    for target in (top, child, grandchild):
        answer = move(client, ann_auth, top, parent_id=target["id"])
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "parent_id"]
    other = new_task(client, ann_auth, "other")
    deep = new_task(
        client, ann_auth, "deep", parent_id=new_task(client, ann_auth, "mid", parent_id=other["id"])["id"]
    )
    answer = move(client, ann_auth, top, parent_id=deep["id"])  # 3 levels under level 3: 6 deep
    assert answer.status_code == 422 and "4 levels" in answer.json()["detail"][0]["msg"]
    assert task(client, ann_auth, top["id"]) == top


def test_moving_changes_the_moved_task_only(client: TestClient, ann_auth: Headers) -> None:
    a, b, c, d = (new_task(client, ann_auth, name) for name in "abcd")
    inbox_id = a["list_id"]
    query = f"list_id={inbox_id}&sort=position"
    moved = ok(move(client, ann_auth, d, after=a["id"]))
    assert titles(client, ann_auth, query) == ["a", "d", "b", "c"]
    assert moved["version"] == 2 and a["position"] < moved["position"] < b["position"]
    ok(move(client, ann_auth, c, after=None))
    assert titles(client, ann_auth, query) == ["c", "a", "d", "b"]
    ok(move(client, ann_auth, c))  # left out: last
    assert titles(client, ann_auth, query) == ["a", "d", "b", "c"]
    for untouched in (a, b):
        assert task(client, ann_auth, untouched["id"]) == untouched
    again = ok(move(client, ann_auth, d, after=a["id"]))  # where it is already: nothing changes
    assert again["version"] == task(client, ann_auth, d["id"])["version"] == 2
    answer = move(client, ann_auth, d, after=d["id"])
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "after"]


def test_one_task_moved_1000_times_into_the_same_gap_keeps_the_order(
    client: TestClient, ann_auth: Headers
) -> None:
    """Two tasks take turns going right after `a`: each move puts a key between `a` and the
    other one's, the worst case for fractional keys; one write each, and the order holds."""
    a, b, x, y = (new_task(client, ann_auth, name) for name in ("a", "b", "x", "y"))
    query = f"list_id={a['list_id']}&sort=position"
    for turn in range(1000):
        mover, other = (x, y) if turn % 2 == 0 else (y, x)
        moved = ok(move(client, ann_auth, mover, after=a["id"]))
        assert moved["version"] == turn // 2 + 2
        if turn % 100 == 99:
            assert titles(client, ann_auth, query) == ["a", mover["title"], other["title"], "b"]
    positions = {
        item["title"]: item["position"] for item in ok(client.get(f"/api/tasks?{query}", headers=ann_auth))
    }
    assert positions["a"] < positions["y"] < positions["x"] < positions["b"]
    assert max(map(len, positions.values())) <= 255
    for untouched in (a, b):
        assert task(client, ann_auth, untouched["id"]) == untouched


def test_a_task_moved_to_another_list_brings_its_subtasks_and_the_counts_follow(
    client: TestClient, ann_auth: Headers
) -> None:
    work = new_list(client, ann_auth, "Work")
    parent = new_task(client, ann_auth, "parent")
    child = new_task(client, ann_auth, "child", parent_id=parent["id"], completed=True)
    grandchild = new_task(client, ann_auth, "grandchild", parent_id=child["id"])
    new_task(client, ann_auth, "stays")
    assert (inbox(client, ann_auth)["task_count"], inbox(client, ann_auth)["open_count"]) == (4, 3)
    moved = ok(move(client, ann_auth, parent, list_id=work["id"]))
    assert (moved["list_id"], moved["parent_id"]) == (work["id"], None)
    for subtask in (child, grandchild):
        after = task(client, ann_auth, subtask["id"])
        assert (after["list_id"], after["parent_id"], after["position"]) == (
            work["id"],
            subtask["parent_id"],
            subtask["position"],
        )
        assert after["version"] == subtask["version"] + 1
    counts = {item["name"]: (item["task_count"], item["open_count"]) for item in lists_of(client, ann_auth)}
    assert counts == {"Inbox": (1, 1), "Work": (3, 2)}
    out = ok(move(client, ann_auth, child, list_id=inbox(client, ann_auth)["id"]))  # leaves its parent behind
    assert (out["parent_id"], task(client, ann_auth, grandchild["id"])["list_id"]) == (None, out["list_id"])
    patched = ok(
        client.patch(f"/api/tasks/{parent['id']}", json={"list_id": out["list_id"]}, headers=ann_auth)
    )
    assert patched["list_id"] == out["list_id"] and patched["position"] > out["position"]


def test_deleting_a_task_deletes_its_subtasks(client: TestClient, ann_auth: Headers) -> None:
    parent = new_task(client, ann_auth, "parent")
    child = new_task(client, ann_auth, "child", parent_id=parent["id"])
    grandchild = new_task(client, ann_auth, "grandchild", parent_id=child["id"])
    new_task(client, ann_auth, "other")
    start = ok(client.get("/api/changes", headers=ann_auth))["cursor"]
    ok(client.delete(f"/api/tasks/{parent['id']}", headers=ann_auth), 204)
    assert titles(client, ann_auth, "") == ["other"]
    changes = ok(client.get(f"/api/changes?since={start}", headers=ann_auth))["changes"]
    deleted = {change["id"] for change in changes if change["kind"] == "task" and change["op"] == "delete"}
    assert deleted == {parent["id"], child["id"], grandchild["id"]}
    assert (inbox(client, ann_auth)["task_count"], inbox(client, ann_auth)["open_count"]) == (1, 1)
    deleted_completed = new_task(client, ann_auth, "done", completed=True)
    new_task(client, ann_auth, "open child", parent_id=deleted_completed["id"])
    assert ok(client.request("DELETE", "/api/tasks?completed=true", headers=ann_auth)) == {"deleted": 2}
    assert titles(client, ann_auth, "") == ["other"]


def test_completing_completes_open_subtasks_and_reopening_reopens_none(
    client: TestClient, ann_auth: Headers
) -> None:
    parent = new_task(client, ann_auth, "parent")
    child = new_task(client, ann_auth, "child", parent_id=parent["id"])
    done = new_task(client, ann_auth, "done", parent_id=parent["id"], completed=True)
    grandchild = new_task(client, ann_auth, "grandchild", parent_id=child["id"])
    start = ok(client.get("/api/changes", headers=ann_auth))["cursor"]
    ok(client.patch(f"/api/tasks/{parent['id']}/complete", headers=ann_auth))
    for subtask in (child, grandchild):
        assert task(client, ann_auth, subtask["id"])["completed"] is True
    assert task(client, ann_auth, done["id"]) == done  # already completed: untouched
    changes = ok(client.get(f"/api/changes?since={start}", headers=ann_auth))["changes"]
    upserted = {change["id"] for change in changes if change["kind"] == "task"}
    assert upserted == {parent["id"], child["id"], grandchild["id"]}
    assert inbox(client, ann_auth)["open_count"] == 0
    ok(client.patch(f"/api/tasks/{parent['id']}", json={"completed": False}, headers=ann_auth))
    assert [task(client, ann_auth, item["id"])["completed"] for item in (parent, child, grandchild)] == [
        False,
        True,
        True,
    ]
    assert inbox(client, ann_auth)["open_count"] == 1


# Deleting lists -------------------------------------------------------------------------------


def test_deleting_a_list_deletes_its_tasks_with_tombstones(client: TestClient, ann_auth: Headers) -> None:
    work = new_list(client, ann_auth, "Work")
    parent = new_task(client, ann_auth, "parent", list_id=work["id"])
    child = new_task(client, ann_auth, "child", parent_id=parent["id"])
    kept = new_task(client, ann_auth, "kept")
    start = ok(client.get("/api/changes", headers=ann_auth))["cursor"]
    ok(client.delete(f"/api/lists/{work['id']}", headers=ann_auth), 204)
    assert titles(client, ann_auth, "") == ["kept"]
    changes = ok(client.get(f"/api/changes?since={start}", headers=ann_auth))["changes"]
    assert {(change["kind"], change["id"], change["op"]) for change in changes} == {
        ("task", parent["id"], "delete"),
        ("task", child["id"], "delete"),
        ("list", work["id"], "delete"),
    }
    assert task(client, ann_auth, kept["id"]) == kept


def test_deleting_a_list_can_move_its_tasks_last_into_another(client: TestClient, ann_auth: Headers) -> None:
    work, home = new_list(client, ann_auth, "Work"), new_list(client, ann_auth, "Home")
    new_task(client, ann_auth, "home task", list_id=home["id"])
    first = new_task(client, ann_auth, "first", list_id=work["id"])
    new_task(client, ann_auth, "second", list_id=work["id"], completed=True)
    child = new_task(client, ann_auth, "child", parent_id=first["id"])
    for refused, loc in ((work["id"], "move_to"), (999999, "move_to")):
        answer = client.delete(f"/api/lists/{work['id']}?move_to={refused}", headers=ann_auth)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", loc]
    ok(client.delete(f"/api/lists/{work['id']}?move_to={home['id']}", headers=ann_auth), 204)
    query = f"list_id={home['id']}&parent_id=none&sort=position"
    assert titles(client, ann_auth, query) == ["home task", "first", "second"]
    assert task(client, ann_auth, child["id"])["parent_id"] == first["id"]
    counts = {item["name"]: (item["task_count"], item["open_count"]) for item in lists_of(client, ann_auth)}
    assert counts == {"Inbox": (0, 0), "Home": (4, 3)}


# The change feed and batches ------------------------------------------------------------------


def test_a_client_following_the_feed_holds_the_lists_and_tasks(client: TestClient, ann_auth: Headers) -> None:
    held: dict[tuple[str, int], Any] = {}

    def sync(cursor: str | None) -> str:
        while True:
            answer = ok(
                client.get("/api/changes", params={"since": cursor} if cursor else {}, headers=ann_auth)
            )
            for change in answer["changes"]:
                key = (change["kind"], change["id"])
                if change["op"] == "delete":
                    held.pop(key, None)
                else:
                    held[key] = change[change["kind"]]
            cursor = answer["cursor"]
            if not answer["has_more"]:
                return str(cursor)

    cursor = sync(None)
    work = new_list(client, ann_auth, "Work")
    parent = new_task(client, ann_auth, "parent", list_id=work["id"])
    new_task(client, ann_auth, "child", parent_id=parent["id"])
    cursor = sync(cursor)
    home = new_list(client, ann_auth, "Home")
    ok(move(client, ann_auth, parent, list_id=home["id"]))
    ok(client.delete(f"/api/lists/{work['id']}", headers=ann_auth), 204)
    ok(client.patch(f"/api/lists/{home['id']}", json={"color": "green"}, headers=ann_auth))
    sync(cursor)
    server = {("list", item["id"]): item for item in lists_of(client, ann_auth)}
    server |= {("task", item["id"]): item for item in ok(client.get("/api/tasks", headers=ann_auth))}
    assert held == server


def test_a_batch_makes_a_list_and_its_tasks_with_temp_ids(client: TestClient, ann_auth: Headers) -> None:
    operations = [
        {"op": "create_list", "temp_id": "L", "list": {"name": "Trip", "color": "teal"}},
        {"op": "create", "temp_id": "t", "task": {"title": "Pack", "list_id": "L"}},
        {"op": "create", "temp_id": "s", "task": {"title": "Socks", "parent_id": "t"}},
        {"op": "create", "temp_id": "u", "task": {"title": "Tickets", "list_id": "L"}},
        {"op": "move", "id": "u", "to": {"after": None}},
        {"op": "update_list", "id": "L", "list": {"name": "Holiday"}},
        {"op": "create_list", "temp_id": "bad", "list": {"name": "holiday"}},
        {"op": "create", "task": {"title": "lost", "list_id": "bad"}},
        {"op": "delete_list", "id": "L", "move_to": "bad"},
    ]
    answer = ok(client.post("/api/batch", json={"operations": operations}, headers=ann_auth))
    results, temp_ids = answer["results"], answer["temp_ids"]
    assert [result["status"] for result in results] == [201, 201, 201, 201, 200, 200, 409, 424, 424]
    assert results[0]["list"]["name"] == "Trip" and results[5]["list"]["name"] == "Holiday"
    assert results[1]["task"]["list_id"] == temp_ids["L"] == results[2]["task"]["list_id"]
    assert results[2]["task"]["parent_id"] == temp_ids["t"]
    assert titles(client, ann_auth, f"list_id={temp_ids['L']}&parent_id=none&sort=position") == [
        "Tickets",
        "Pack",
    ]
    last = [{"op": "delete_list", "id": temp_ids["L"]}]
    assert ok(client.post("/api/batch", json={"operations": last}, headers=ann_auth))["results"] == [
        {"status": 204, "list": None}
    ]
    assert ok(client.get("/api/tasks", headers=ann_auth)) == []


# Isolation ------------------------------------------------------------------------------------


def test_another_users_lists_and_tasks_are_out_of_reach(
    client: TestClient, ann_auth: Headers, bob_auth: Headers
) -> None:
    work = new_list(client, ann_auth, "Work")
    parent = new_task(client, ann_auth, "ann's", list_id=work["id"])
    bobs = new_task(client, bob_auth, "bob's")
    url = f"/api/lists/{work['id']}"
    assert client.get(url, headers=bob_auth).status_code == 404
    assert client.patch(url, json={"name": "mine"}, headers=bob_auth).status_code == 404
    assert client.delete(url, headers=bob_auth).status_code == 404
    for body, field in (
        ({"title": "x", "list_id": work["id"]}, "list_id"),
        ({"title": "x", "parent_id": parent["id"]}, "parent_id"),
    ):
        answer = client.post("/api/tasks", json=body, headers=bob_auth)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", field]
    for to, field in (({"list_id": work["id"]}, "list_id"), ({"after": parent["id"]}, "after")):
        answer = move(client, bob_auth, bobs, **to)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", field]
    assert move(client, bob_auth, parent, after=None).status_code == 404
    bob_lists = client.delete(
        f"/api/lists/{inbox(client, bob_auth)['id']}?move_to={work['id']}", headers=bob_auth
    )
    assert bob_lists.status_code == 409  # bob's Inbox cannot go; ann's list is never named
    assert titles(client, ann_auth, f"list_id={inbox(client, bob_auth)['id']}") == []
    assert [item["name"] for item in lists_of(client, ann_auth)] == ["Inbox", "Work"]
    assert task(client, ann_auth, parent["id"]) == parent
    ann_id = client.get("/api/auth/me", headers=ann_auth).json()["id"]
    assert client.get(f"/api/{ann_id}/lists", headers=bob_auth).status_code == 403
