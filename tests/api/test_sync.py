"""Write safety and sync through the app, on every database: versions and ETags, If-Match and
If-None-Match, Idempotency-Key, the change feed with tombstones and cursors, and batches.
(tests/e2e/test_sync_concurrency.py runs them across real processes.)"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.cursors import Cursors, Position
from models import IdempotencyKey, User, database_proxy, utc_now
from router import create_app
from settings import Settings
from tests.support.accounts import auth, signup

SHAPES = ["own", "user"]


def prefix(client: TestClient, headers: dict[str, str], shape: str) -> str:
    """`/api` or the Phase II `/api/{user_id}`."""
    return "/api" if shape == "own" else f"/api/{client.get('/api/auth/me', headers=headers).json()['id']}"


def create(client: TestClient, headers: dict[str, str], title: str = "Buy milk", **fields: Any) -> Any:
    response = client.post("/api/tasks", json={"title": title, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response


# Versions and ETags ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_every_change_raises_the_version_and_the_etag_follows_it(
    client: TestClient, ann_auth: dict[str, str], shape: str
) -> None:
    api = prefix(client, ann_auth, shape)
    created = create(client, ann_auth, tags=["home"])
    task = created.json()
    url = f"{api}/tasks/{task['id']}"
    assert task["version"] == 1 and created.headers["etag"].startswith('"')
    etags = [created.headers["etag"]]
    assert client.get(url, headers=ann_auth).headers["etag"] == etags[0]
    for change in (
        lambda: client.patch(url, json={"priority": "high"}, headers=ann_auth),
        lambda: client.put(url, json={"title": "Buy oat milk"}, headers=ann_auth),
        lambda: client.patch(f"{url}/complete", headers=ann_auth),
        lambda: client.patch(url, json={"tags": ["home", "shop"]}, headers=ann_auth),
    ):
        answer = change()
        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == len(etags) + 1
        assert answer.headers["etag"] not in etags
        etags.append(answer.headers["etag"])
    assert client.get(url, headers=ann_auth).headers["etag"] == etags[-1]


def test_a_change_that_changes_nothing_keeps_the_version(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    task = create(client, ann_auth, priority="high", tags=["a"]).json()
    url = f"/api/tasks/{task['id']}"
    list_etag = client.get("/api/tasks", headers=ann_auth).headers["etag"]
    for same in ({"priority": "high"}, {"title": "Buy milk", "tags": ["a"]}, {}):
        answer = client.patch(url, json=same, headers=ann_auth)
        assert (answer.json()["version"], answer.json()["updated_at"]) == (1, task["updated_at"])
    assert client.patch(f"{url}/complete", json={"completed": False}, headers=ann_auth).json()["version"] == 1
    assert client.get("/api/tasks", headers=ann_auth).headers["etag"] == list_etag


@pytest.mark.parametrize("method", ["PUT", "PATCH", "COMPLETE", "DELETE"])
def test_if_match_with_another_version_is_412_and_changes_nothing(
    client: TestClient, ann_auth: dict[str, str], method: str
) -> None:
    first = create(client, ann_auth)
    url = f"/api/tasks/{first.json()['id']}"
    stale = first.headers["etag"]
    current = client.patch(url, json={"priority": "low"}, headers=ann_auth).headers["etag"]

    def send(if_match: str) -> Any:
        headers = {**ann_auth, "If-Match": if_match}
        if method == "COMPLETE":
            return client.patch(f"{url}/complete", headers=headers)
        if method == "DELETE":
            return client.delete(url, headers=headers)
        return client.request(method, url, json={"title": "Changed"}, headers=headers)

    before = client.get(url, headers=ann_auth).json()
    weak = "W/" + current
    for refused in (stale, weak, '"nonsense"', "garbage", f"{stale}, {weak}"):
        answer = send(refused)
        assert answer.status_code == 412, refused
        assert answer.json()["code"] == "precondition_failed"
        assert answer.headers["etag"] == current
        assert client.get(url, headers=ann_auth).json() == before
    assert send(f'"x", {current}').status_code == (204 if method == "DELETE" else 200)


def test_if_match_star_and_no_header_are_unconditional(client: TestClient, ann_auth: dict[str, str]) -> None:
    url = f"/api/tasks/{create(client, ann_auth).json()['id']}"
    assert (
        client.patch(url, json={"priority": "low"}, headers={**ann_auth, "If-Match": "*"}).status_code == 200
    )
    assert client.patch(url, json={"priority": "high"}, headers=ann_auth).status_code == 200
    assert client.delete(url, headers={**ann_auth, "If-Match": "*"}).status_code == 204
    assert client.delete(url, headers={**ann_auth, "If-Match": "*"}).status_code == 404


def test_if_none_match_on_a_task_is_304_until_it_changes(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    created = create(client, ann_auth)
    url, etag = f"/api/tasks/{created.json()['id']}", created.headers["etag"]
    for matching in (etag, "W/" + etag, f'"other", {etag}', "*"):
        answer = client.get(url, headers={**ann_auth, "If-None-Match": matching})
        assert (answer.status_code, answer.content, answer.headers["etag"]) == (304, b"", etag)
    client.patch(url, json={"description": "2 litres"}, headers=ann_auth)
    answer = client.get(url, headers={**ann_auth, "If-None-Match": etag})
    assert answer.status_code == 200 and answer.json()["description"] == "2 litres"


@pytest.mark.parametrize("shape", SHAPES)
def test_the_list_etag_is_per_query_and_changes_with_any_task(
    client: TestClient, ann_auth: dict[str, str], shape: str
) -> None:
    api = prefix(client, ann_auth, shape)
    task = create(client, ann_auth).json()
    listed = client.get(f"{api}/tasks?status=pending", headers=ann_auth)
    etag = listed.headers["etag"]
    assert client.get(f"{api}/tasks?status=pending", headers=ann_auth).headers["etag"] == etag
    assert client.get(f"{api}/tasks?status=all", headers=ann_auth).headers["etag"] != etag
    unchanged = client.get(f"{api}/tasks?status=pending", headers={**ann_auth, "If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", etag)
    create(client, ann_auth, "Another")  # any change of the caller's tasks, listed here or not
    changed = client.get(f"{api}/tasks?status=pending", headers={**ann_auth, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    client.delete(f"/api/tasks/{task['id']}", headers=ann_auth)
    assert (
        client.get(f"{api}/tasks?status=pending", headers=ann_auth).headers["etag"] != changed.headers["etag"]
    )


def test_the_list_etag_is_the_same_on_another_worker(
    make_settings: Callable[..., Settings], settings: Settings
) -> None:
    with TestClient(create_app(settings)) as first:
        headers = auth(signup(first)["access_token"])
        create(first, headers)
        etag = first.get("/api/tasks", headers=headers).headers["etag"]
    with TestClient(create_app(make_settings())) as second:  # a fresh process's caches
        assert second.get("/api/tasks", headers=headers).headers["etag"] == etag
        assert second.get("/api/tasks", headers={**headers, "If-None-Match": etag}).status_code == 304


def test_other_users_etags_and_tasks_stay_theirs(client: TestClient, ann_auth: dict[str, str]) -> None:
    bob_auth = auth(signup(client, "bob@example.com")["access_token"])
    created = create(client, ann_auth)
    url = f"/api/tasks/{created.json()['id']}"
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"title": "mine"}}), ("DELETE", {})):
        answer = client.request(
            method, url, headers={**bob_auth, "If-Match": "*", "If-None-Match": "*"}, **kwargs
        )
        assert answer.status_code == 404 and "etag" not in answer.headers


# Idempotency-Key ------------------------------------------------------------------------------


def test_a_retried_create_is_answered_again_not_run_again(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    keyed = {**ann_auth, "Idempotency-Key": "create-milk-1"}
    first = client.post("/api/tasks", json={"title": "Buy milk"}, headers=keyed)
    again = client.post("/api/tasks", json={"title": "Buy milk"}, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    for header in ("location", "etag", "content-type"):
        assert again.headers[header] == first.headers[header]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert len(client.get("/api/tasks", headers=ann_auth).json()) == 1


def test_an_idempotent_patch_and_batch_run_once(client: TestClient, ann_auth: dict[str, str]) -> None:
    url = f"/api/tasks/{create(client, ann_auth).json()['id']}"
    keyed = {**ann_auth, "Idempotency-Key": "toggle-1"}
    toggles = [client.patch(f"{url}/complete", headers=keyed) for _ in range(3)]
    assert [answer.json()["completed"] for answer in toggles] == [True, True, True]
    assert client.get(url, headers=ann_auth).json()["version"] == 2
    batch = {"operations": [{"op": "create", "temp_id": "a", "task": {"title": "from the queue"}}]}
    answers = [
        client.post("/api/batch", json=batch, headers={**ann_auth, "Idempotency-Key": "queue-7"})
        for _ in range(2)
    ]
    assert answers[0].json() == answers[1].json() and answers[1].headers["idempotent-replayed"] == "true"
    assert [task["title"] for task in client.get("/api/tasks", headers=ann_auth).json()].count(
        "from the queue"
    ) == 1


def test_a_key_used_for_another_request_is_422(client: TestClient, ann_auth: dict[str, str]) -> None:
    keyed = {**ann_auth, "Idempotency-Key": "k-1"}
    assert client.post("/api/tasks", json={"title": "one"}, headers=keyed).status_code == 201
    task_id = client.get("/api/tasks", headers=ann_auth).json()[0]["id"]
    for method, path, body in (
        ("POST", "/api/tasks", {"title": "two"}),
        ("PATCH", f"/api/tasks/{task_id}", {"title": "one"}),
        ("POST", "/api/batch", {"title": "one"}),
    ):
        reused = client.request(method, path, json=body, headers=keyed)
        assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused", path
    assert [task["title"] for task in client.get("/api/tasks", headers=ann_auth).json()] == ["one"]


def test_4xx_answers_are_kept_and_5xx_answers_are_not(
    client: TestClient, ann_auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = [client.post("/api/tasks", json={"title": ""}, headers={**ann_auth, "Idempotency-Key": "bad"})]
    refused.append(
        client.post("/api/tasks", json={"title": ""}, headers={**ann_auth, "Idempotency-Key": "bad"})
    )
    assert [answer.status_code for answer in refused] == [422, 422]
    assert refused[1].json() == refused[0].json() and refused[1].headers["idempotent-replayed"] == "true"

    from handlers import create_task as handler

    real = handler.create_task
    monkeypatch.setattr(handler, "create_task", lambda *args: (_ for _ in ()).throw(RuntimeError("boom")))
    keyed = {**ann_auth, "Idempotency-Key": "flaky"}
    assert client.post("/api/tasks", json={"title": "x"}, headers=keyed).status_code == 500
    monkeypatch.setattr(handler, "create_task", real)
    retried = client.post("/api/tasks", json={"title": "x"}, headers=keyed)
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers


def test_keys_are_the_users_own_and_expire(
    make_settings: Callable[..., Settings], ann_auth: dict[str, str], client: TestClient
) -> None:
    bob_auth = auth(signup(client, "bob@example.com")["access_token"])
    for headers in (ann_auth, bob_auth):
        answer = client.post(
            "/api/tasks", json={"title": "same"}, headers={**headers, "Idempotency-Key": "shared"}
        )
        assert answer.status_code == 201 and "idempotent-replayed" not in answer.headers
    with database_proxy.obj.connection_context():  # the keys' time (24 hours) has passed
        IdempotencyKey.update(created_at=utc_now() - dt.timedelta(hours=25)).execute()
    aged = client.post(
        "/api/tasks", json={"title": "same"}, headers={**ann_auth, "Idempotency-Key": "shared"}
    )
    assert aged.status_code == 201 and "idempotent-replayed" not in aged.headers
    assert len(client.get("/api/tasks", headers=ann_auth).json()) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "naïve"])
def test_an_unusable_key_is_422_naming_the_header(
    client: TestClient, ann_auth: dict[str, str], key: str
) -> None:
    raw = [(b"idempotency-key", key.encode("utf-8"))]
    answer = client.post(
        "/api/tasks",
        json={"title": "x"},
        headers=[*[(k.encode(), v.encode()) for k, v in ann_auth.items()], *raw],
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert client.get("/api/tasks", headers=ann_auth).json() == []


# The change feed ------------------------------------------------------------------------------


def feed(client: TestClient, headers: dict[str, str], since: str | None = None, **query: Any) -> Any:
    params = {**query, **({"since": since} if since else {})}
    answer = client.get("/api/changes", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def of_tasks(changes: list[Any]) -> list[Any]:
    """The task entries (each change of a task's count is the Inbox's too: tests/api/test_lists.py)."""
    return [change for change in changes if change["kind"] == "task"]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_client_that_applies_every_answer_holds_the_servers_tasks(
    client: TestClient, ann_auth: dict[str, str], shape: str
) -> None:
    api = prefix(client, ann_auth, shape)
    ids = [create(client, ann_auth, f"task {n}").json()["id"] for n in range(5)]
    full = client.get(f"{api}/changes", headers=ann_auth).json()
    assert [change["id"] for change in of_tasks(full["changes"])] == ids and full["has_more"] is False
    held = {change["id"]: change["task"] for change in of_tasks(full["changes"])}
    client.patch(f"/api/tasks/{ids[0]}", json={"title": "edited"}, headers=ann_auth)
    client.delete(f"/api/tasks/{ids[1]}", headers=ann_auth)
    client.patch(f"/api/tasks/{ids[0]}/complete", headers=ann_auth)
    new = create(client, ann_auth, "new").json()["id"]
    since = client.get(f"{api}/changes", params={"since": full["cursor"]}, headers=ann_auth).json()
    changed = of_tasks(since["changes"])
    assert [(change["id"], change["op"]) for change in changed] == [
        (ids[1], "delete"),
        (ids[0], "upsert"),  # once, at its last change
        (new, "upsert"),
    ]
    tombstone = changed[0]
    assert tombstone["task"] is None and tombstone["version"] == 2
    assert changed[1]["task"]["completed"] is True and changed[1]["version"] == 3
    for change in changed:
        if change["op"] == "delete":
            held.pop(change["id"], None)
        else:
            held[change["id"]] = change["task"]
    assert held == {task["id"]: task for task in client.get("/api/tasks", headers=ann_auth).json()}
    nothing = feed(client, ann_auth, since["cursor"])
    assert nothing["changes"] == [] and nothing["has_more"] is False


def follow(client: TestClient, headers: dict[str, str], cursor: str | None, limit: int) -> list[Any]:
    """Every answer from `cursor` on, asking again at once while `has_more` says so."""
    pages = [feed(client, headers, cursor, limit=limit)]
    while pages[-1]["has_more"]:
        pages.append(feed(client, headers, pages[-1]["cursor"], limit=limit))
    return pages


def test_the_feed_pages_with_has_more_and_skips_nothing(client: TestClient, ann_auth: dict[str, str]) -> None:
    ids = [create(client, ann_auth, f"t{n}").json()["id"] for n in range(7)]
    pages = follow(client, ann_auth, None, limit=3)
    assert [len(page["changes"]) for page in pages] == [3, 3, 2]  # and the Inbox, once
    changes = [change for page in pages for change in page["changes"]]
    assert [change["id"] for change in of_tasks(changes)] == ids
    # Within one change a list comes first: the Inbox at its last count, then the last task.
    assert [change["kind"] for change in changes[-2:]] == ["list", "task"]
    client.delete("/api/tasks?completed=false", headers=ann_auth)  # one change, seven tombstones
    pages = follow(client, ann_auth, pages[-1]["cursor"], limit=3)
    assert [len(page["changes"]) for page in pages] == [3, 3, 2]
    changes = [change for page in pages for change in page["changes"]]
    assert (changes[0]["kind"], changes[0]["list"]["task_count"]) == ("list", 0)
    assert [(change["id"], change["op"]) for change in changes[1:]] == [
        (task_id, "delete") for task_id in ids
    ]
    assert (
        of_tasks(feed(client, ann_auth)["changes"]) == []
    )  # a full sync from nothing leaves the deleted out


def test_unknown_and_expired_cursors(
    client: TestClient, ann_auth: dict[str, str], settings: Settings
) -> None:
    bob_auth = auth(signup(client, "bob@example.com")["access_token"])
    bobs_cursor = feed(client, bob_auth)["cursor"]
    for unknown in ("nonsense", bobs_cursor, bobs_cursor[:-1] + ("A" if bobs_cursor[-1] != "A" else "B")):
        answer = client.get("/api/changes", params={"since": unknown}, headers=ann_auth)
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "since"]
    with database_proxy.obj.connection_context():
        user = User.get(User.email == "ann@example.com")
    cursors = Cursors(settings.jwt_secret, settings.changes_retention_days)
    old = cursors.encode(user, Position.complete(0), int(time.time()) - 31 * 86400)
    expired = client.get("/api/changes", params={"since": old}, headers=ann_auth)
    assert expired.status_code == 410 and expired.json()["code"] == "cursor_expired"
    recent = cursors.encode(user, Position.complete(0), int(time.time()) - 29 * 86400)
    assert client.get("/api/changes", params={"since": recent}, headers=ann_auth).status_code == 200


def test_the_feed_is_the_callers_own(client: TestClient, ann_auth: dict[str, str]) -> None:
    create(client, ann_auth, "ann's")
    bob_auth = signup(client, "bob@example.com")
    assert feed(client, auth(bob_auth["access_token"]))["changes"] == []
    ann_id = client.get("/api/auth/me", headers=ann_auth).json()["id"]
    assert client.get(f"/api/{ann_id}/changes", headers=auth(bob_auth["access_token"])).status_code == 403


# Batch ---------------------------------------------------------------------------------------


def test_a_batch_runs_in_order_with_temp_ids(client: TestClient, ann_auth: dict[str, str]) -> None:
    existing = create(client, ann_auth, "existing")
    operations = [
        {"op": "create", "temp_id": "a", "task": {"title": "from the phone", "tags": ["home"]}},
        {"op": "update", "id": "a", "task": {"priority": "high"}},
        {"op": "complete", "id": "a", "completed": True},
        {"op": "create", "temp_id": "b", "task": {"title": ""}},
        {"op": "update", "id": "b", "task": {"priority": "low"}},
        {"op": "update", "id": existing.json()["id"], "if_match": '"stale"', "task": {"title": "x"}},
        {"op": "delete", "id": existing.json()["id"], "if_match": existing.headers["etag"]},
        {"op": "delete", "id": 999999},
        {"op": "update", "id": "never", "task": {}},
    ]
    answer = client.post("/api/batch", json={"operations": operations}, headers=ann_auth)
    assert answer.status_code == 200, answer.text
    results, temp_ids = answer.json()["results"], answer.json()["temp_ids"]
    assert [result["status"] for result in results] == [201, 200, 200, 422, 424, 412, 204, 404, 422]
    assert set(temp_ids) == {"a"} and results[0]["task"]["id"] == temp_ids["a"]
    assert results[2]["task"]["completed"] is True and results[2]["task"]["version"] == 3
    single = client.post("/api/tasks", json={"title": ""}, headers=ann_auth).json()
    assert {key: results[3][key] for key in ("detail", "code")} == single
    assert results[5]["code"] == "precondition_failed" and results[7]["code"] == "not_found"
    assert [task["title"] for task in client.get("/api/tasks", headers=ann_auth).json()] == ["from the phone"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"operations": "create"},
        {"operations": []},
        {"operations": [{"op": "create", "task": {"title": "x"}}] * 101},
        {"operations": [{"op": "create", "temp_id": "a", "task": {"title": "x"}}] * 2},
        {"operations": [{"op": "explode", "id": 1}]},
    ],
)
def test_a_malformed_batch_is_422_and_runs_nothing(
    client: TestClient, ann_auth: dict[str, str], body: Any
) -> None:
    answer = client.post("/api/batch", json=body, headers=ann_auth)
    assert answer.status_code == 422 and answer.json()["code"] == "validation_error"
    assert client.get("/api/tasks", headers=ann_auth).json() == []


def test_a_batch_acts_for_its_caller_only(client: TestClient, ann_auth: dict[str, str]) -> None:
    task = create(client, ann_auth).json()
    bob_auth = auth(signup(client, "bob@example.com")["access_token"])
    operations = [
        {"op": "delete", "id": task["id"]},
        {"op": "update", "id": task["id"], "task": {"title": "b"}},
    ]
    results = client.post("/api/batch", json={"operations": operations}, headers=bob_auth).json()["results"]
    assert [result["status"] for result in results] == [404, 404]
    ann_id = client.get("/api/auth/me", headers=ann_auth).json()["id"]
    assert (
        client.post(f"/api/{ann_id}/batch", json={"operations": operations}, headers=bob_auth).status_code
        == 403
    )
    assert client.get(f"/api/tasks/{task['id']}", headers=ann_auth).json() == task
