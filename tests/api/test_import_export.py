"""Your data, in and out, through the app on every database: the export (its shape, headers,
no secrets), the round trip into a fresh account, each import format, dry runs, all or
nothing, Idempotency-Key, re-imports that duplicate nothing, the feed and the events of
imported tasks, the body limit, and one user's import never touching another's."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from models import Event, Task, database_proxy
from router import create_app
from settings import Settings
from tests.support.accounts import auth, signup
from tests.support.backups import (
    ticktick_backup,
    ticktick_row,
    todoist_backup,
    todoist_csv,
    todoist_note,
    todoist_section,
    todoist_task,
)

Headers = dict[str, str]
JSON = {"Content-Type": "application/json"}
CSV = {"Content-Type": "text/csv"}
ZIP = {"Content-Type": "application/zip"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def post(client: TestClient, headers: Headers, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = ok(client.post(path, json=body, headers=headers), 201)
    return answer


def export(client: TestClient, headers: Headers) -> dict[str, Any]:
    document: dict[str, Any] = ok(client.get("/api/export", headers=headers))
    return document


def import_file(
    client: TestClient, headers: Headers, body: bytes | str, kind: Headers, query: str = "", status: int = 200
) -> Any:
    return ok(client.post(f"/api/import{query}", content=body, headers={**headers, **kind}), status)


def all_tasks(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get("/api/tasks?sort=position&limit=1000", headers=headers))
    return found


def events_of(email: str) -> list[str]:
    with database_proxy.obj.connection_context():
        query = (
            Event.select(Event.type)
            .join_from(Event, Event.user.rel_model)
            .where(Event.user.rel_model.email == email)
        )
        return [event.type for event in query.order_by(Event.id)]


def shape(document: dict[str, Any]) -> dict[str, Any]:
    """What a round trip keeps: the lists in order, and each task (in the export's tree order)
    with its list, its path of titles and every field but the ids the server gives."""
    lists = {each["id"]: each["name"] for each in document["lists"]}
    tasks = {each["id"]: each for each in document["tasks"]}

    def path(task: dict[str, Any]) -> list[str]:
        return [*path(tasks[task["parent_id"]]), task["title"]] if task["parent_id"] else [task["title"]]

    kept = ("description", "completed", "completed_at", "priority", "due_date", "tags", "order")
    kept += ("recurrence", "time_zone", "reminders", "uid", "created_at")
    return {
        "lists": [
            (each["name"], each["color"], each["is_default"], each["task_count"])
            for each in document["lists"]
        ],
        "tasks": [
            (lists[each["list_id"]], path(each), *(each[name] for name in kept)) for each in document["tasks"]
        ],
    }


@pytest.fixture
def rich(client: TestClient, ann_auth: Headers) -> dict[str, Any]:
    """Ann's account with one of everything a round trip must keep."""
    ok(client.patch("/api/auth/me", json={"time_zone": "Europe/Paris"}, headers=ann_auth))
    inbox = next(each for each in ok(client.get("/api/lists", headers=ann_auth)) if each["is_default"])
    ok(
        client.patch(
            f"/api/lists/{inbox['id']}", json={"name": "Eingang", "color": "green"}, headers=ann_auth
        )
    )
    work = post(client, ann_auth, "/api/lists", {"name": "Work", "color": "blue"})
    home = post(client, ann_auth, "/api/lists", {"name": "Home"})
    ok(client.patch(f"/api/lists/{home['id']}", json={"after": None}, headers=ann_auth))  # Home first
    plan = post(
        client,
        ann_auth,
        "/api/tasks",
        {"title": "Plan Q4", "list_id": work["id"], "tags": ["work", "q4"], "priority": "high"},
    )
    draft = post(
        client,
        ann_auth,
        "/api/tasks",
        {"title": "Draft", "parent_id": plan["id"], "description": "two pages"},
    )
    outline = post(client, ann_auth, "/api/tasks", {"title": "Outline", "parent_id": draft["id"], "order": 7})
    post(client, ann_auth, "/api/tasks", {"title": "Bullets", "parent_id": outline["id"], "priority": "low"})
    review = post(client, ann_auth, "/api/tasks", {"title": "Review", "parent_id": plan["id"]})
    ok(client.post(f"/api/tasks/{review['id']}/move", json={"after": None}, headers=ann_auth))  # before Draft
    standup = {
        "title": "Stand-up",
        "list_id": work["id"],
        "due_date": "2030-01-07T14:00:00Z",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO,WE",
        "time_zone": "America/New_York",
        "reminders": [{"before": "PT15M"}, {"at": "2030-01-07T13:00:00Z"}],
    }
    post(client, ann_auth, "/api/tasks", standup)
    water = post(
        client,
        ann_auth,
        "/api/tasks",
        {
            "title": "Water plants",
            "list_id": home["id"],
            "due_date": "2029-05-01T08:00:00Z",
            "recurrence": "FREQ=DAILY",
        },
    )
    ok(client.patch(f"/api/tasks/{water['id']}/complete", headers=ann_auth))  # and its next occurrence
    done = post(client, ann_auth, "/api/tasks", {"title": "Old chore", "list_id": home["id"]})
    ok(client.patch(f"/api/tasks/{done['id']}/complete", headers=ann_auth))
    gone = post(client, ann_auth, "/api/tasks", {"title": "Deleted"})
    ok(client.delete(f"/api/tasks/{gone['id']}", headers=ann_auth), 204)
    post(client, ann_auth, "/api/tasks", {"title": "Call mom", "due_date": "2030-02-01T18:00:00Z"})
    return export(client, ann_auth)


# The export -----------------------------------------------------------------------------------


def test_the_export_is_every_list_and_task_as_the_api_shows_them(
    client: TestClient, ann_auth: Headers, rich: dict[str, Any]
) -> None:
    answer = client.get("/api/export", headers=ann_auth)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    assert (
        answer.headers["content-disposition"]
        == f'attachment; filename="todo-export-{rich["exported_at"][:10]}.json"'
    )
    document = answer.json()
    assert set(document) == {"format", "exported_at", "user", "lists", "tasks"}
    assert document["format"] == "todo-api/1"
    assert document["user"] == {"email": "ann@example.com", "name": None, "time_zone": "Europe/Paris"}
    assert [each["name"] for each in document["lists"]] == ["Home", "Eingang", "Work"], "by position"
    api_tasks = all_tasks(client, ann_auth)
    assert {each["id"] for each in document["tasks"]} == {each["id"] for each in api_tasks}
    by_id = {each["id"]: each for each in api_tasks}
    for task in document["tasks"]:
        assert task == by_id[task["id"]], "every field the API shows, as it shows it"
    titles = [each["title"] for each in document["tasks"]]
    assert titles.index("Plan Q4") < titles.index("Review") < titles.index("Draft") < titles.index("Outline")
    assert "Old chore" in titles and "Deleted" not in titles


def test_the_export_holds_no_secret(client: TestClient, ann_auth: Headers) -> None:
    token = ok(client.post("/api/auth/tokens", json={"name": "script"}, headers=ann_auth), 201)["token"]
    text = client.get("/api/export", headers=ann_auth).text
    assert token not in text and "tdo_" not in text and "$2b$" not in text and "password" not in text
    read_only = ok(
        client.post("/api/auth/tokens", json={"name": "r", "scopes": ["tasks:read"]}, headers=ann_auth), 201
    )
    assert client.get("/api/export", headers=auth(read_only["token"])).status_code == 200
    refused = client.post("/api/import", content=text, headers={**auth(read_only["token"]), **JSON})
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"


# The round trip -------------------------------------------------------------------------------


def test_a_round_trip_into_a_fresh_account_keeps_everything(
    client: TestClient, rich: dict[str, Any], bob_auth: Headers
) -> None:
    text = json.dumps(rich)
    report = import_file(client, bob_auth, text, JSON)
    assert report == {
        "lists_created": 2,
        "tasks_created": len(rich["tasks"]),
        "tasks_skipped": 0,
        "problems": [],
    }
    again = export(client, bob_auth)
    assert shape(again) == shape(rich)
    assert again["user"]["email"] == "bob@example.com"
    # Imported again: nothing new.
    assert import_file(client, bob_auth, text, JSON) == {
        "lists_created": 0,
        "tasks_created": 0,
        "tasks_skipped": len(rich["tasks"]),
        "problems": [],
    }
    assert shape(export(client, bob_auth)) == shape(rich)


def test_imported_tasks_are_tasks_like_any_other(
    client: TestClient, rich: dict[str, Any], bob_auth: Headers
) -> None:
    cursor = ok(client.get("/api/changes", headers=bob_auth))["cursor"]
    import_file(client, bob_auth, json.dumps(rich), JSON)
    changes = ok(client.get("/api/changes", params={"since": cursor}, headers=bob_auth))["changes"]
    tasks = [change["task"]["title"] for change in changes if change["kind"] == "task"]
    assert sorted(tasks) == sorted(each["title"] for each in rich["tasks"])
    assert {change["list"]["name"] for change in changes if change["kind"] == "list"} == {
        "Eingang",
        "Home",
        "Work",
    }
    kinds = events_of("bob@example.com")
    assert kinds.count("task.created") == len(rich["tasks"]) and kinds.count("list.created") == 3  # Inbox too
    standup = next(each for each in all_tasks(client, bob_auth) if each["title"] == "Stand-up")
    assert standup["version"] == 1 and standup["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,WE"
    armed = ok(client.get("/api/reminders", params={"before": "2031-01-01T00:00:00Z"}, headers=bob_auth))
    assert [(each["title"], each["reminder"]) for each in armed] == [
        ("Stand-up", {"at": "2030-01-07T13:00:00Z"}),
        ("Stand-up", {"before": "PT15M"}),
    ]
    done = ok(client.patch(f"/api/tasks/{standup['id']}/complete", headers=bob_auth))
    assert done["completed"] is True
    follows = [
        each for each in all_tasks(client, bob_auth) if each["title"] == "Stand-up" and not each["completed"]
    ]
    assert len(follows) == 1 and follows[0]["due_date"] == "2030-01-09T14:00:00Z", "its series goes on"
    new = post(client, bob_auth, "/api/tasks", {"title": "After the import"})
    assert new["position"] > max(
        each["position"]
        for each in all_tasks(client, bob_auth)
        if each["list_id"] == new["list_id"] and each["id"] != new["id"] and each["parent_id"] is None
    )


# Todoist and TickTick -------------------------------------------------------------------------


def test_a_todoist_project_csv_goes_into_the_list_named(client: TestClient, ann_auth: Headers) -> None:
    text = todoist_csv(
        todoist_task("Buy milk @home", priority=1, date="2030-10-09"),
        todoist_note("Oat if none"),
        todoist_task("Ask the neighbours", indent=2),
        todoist_section("Someday"),
        todoist_task("Bins", date="every monday"),
        todoist_task("Paint", date="next spring"),
    )
    headers = {**ann_auth, **CSV, "Content-Disposition": 'attachment; filename="Errands.csv"'}
    report = ok(client.post("/api/import?list=Errands", content=text, headers=headers))
    assert report["lists_created"] == 1 and report["tasks_created"] == 4 and report["tasks_skipped"] == 0
    assert [problem["where"] for problem in report["problems"]] == ["Errands.csv:8", "Errands.csv:12"]
    errands = next(
        each for each in ok(client.get("/api/lists", headers=ann_auth)) if each["name"] == "Errands"
    )
    assert errands["task_count"] == 4 and errands["open_count"] == 4
    tasks = {each["title"]: each for each in all_tasks(client, ann_auth)}
    assert tasks["Buy milk"]["tags"] == ["home"] and tasks["Buy milk"]["priority"] == "high"
    assert tasks["Buy milk"]["description"] == "Oat if none" and tasks["Buy milk"]["list_id"] == errands["id"]
    assert (
        tasks["Buy milk"]["due_date"] == "2030-10-09T21:59:59Z"
        and tasks["Buy milk"]["time_zone"] == "Europe/Berlin"
    )
    assert tasks["Ask the neighbours"]["parent_id"] == tasks["Buy milk"]["id"]
    assert tasks["Bins"]["recurrence"] == "FREQ=WEEKLY;BYDAY=MO" and tasks["Bins"]["due_date"] is not None
    assert tasks["Paint"]["due_date"] is None
    # The same file again: nothing new (Bins by its rule: its first due date moves from day to day).
    again = ok(client.post("/api/import?list=Errands", content=text, headers=headers))
    assert (again["tasks_created"], again["tasks_skipped"], again["lists_created"]) == (0, 4, 0)
    # With a subtask more, only that one, under the task Ann has.
    grown = todoist_csv(
        todoist_task("Buy milk @home", priority=1, date="2030-10-09"),
        todoist_note("Oat if none"),
        todoist_task("Ask the neighbours", indent=2),
        todoist_task("Ask the baker", indent=2),
        todoist_section("Someday"),
        todoist_task("Bins", date="every monday"),
        todoist_task("Paint", date="next spring"),
    )
    third = ok(client.post("/api/import?list=Errands", content=grown, headers=headers))
    assert (third["tasks_created"], third["tasks_skipped"]) == (1, 4)
    baker = next(each for each in all_tasks(client, ann_auth) if each["title"] == "Ask the baker")
    assert (
        baker["parent_id"] == tasks["Buy milk"]["id"]
        and baker["position"] > tasks["Ask the neighbours"]["position"]
    )


def test_a_todoist_backup_is_a_list_per_project(client: TestClient, ann_auth: Headers) -> None:
    backup = todoist_backup(
        {
            "Inbox": todoist_csv(todoist_task("Reply to Bob")),
            "Café": todoist_csv(todoist_task("Order beans @coffee"), todoist_task("Grind", indent=2)),
        }
    )
    report = import_file(client, ann_auth, backup, ZIP)
    assert report == {"lists_created": 1, "tasks_created": 3, "tasks_skipped": 0, "problems": []}
    lists = {each["name"]: each for each in ok(client.get("/api/lists", headers=ann_auth))}
    assert (
        set(lists) == {"Inbox", "Café"}
        and lists["Inbox"]["task_count"] == 1
        and lists["Café"]["task_count"] == 2
    )
    assert import_file(client, ann_auth, backup, ZIP)["tasks_skipped"] == 3


def test_a_ticktick_backup(client: TestClient, ann_auth: Headers) -> None:
    backup = ticktick_backup(
        ticktick_row("Outline", task_id="64f0c2a1", list_name="Work", parentId="64f0c2a0"),
        ticktick_row("Write report", task_id="64f0c2a0", list_name="Work", Tags="writing", Priority="5",
                     **{"Due Date": "2030-10-09T13:00:00+0000", "Reminder": "-PT30M"}),
        ticktick_row("Renew passport", task_id="64f0c2a4", Status="2",
                     **{"Completed Time": "2026-10-01T10:39:31+0000",
                        "Created Time": "2022-01-21T11:33:40+0000"}),
    )  # fmt: skip
    report = import_file(client, ann_auth, backup, CSV)
    assert report == {"lists_created": 1, "tasks_created": 3, "tasks_skipped": 0, "problems": []}
    tasks = {each["title"]: each for each in all_tasks(client, ann_auth)}
    assert tasks["Outline"]["parent_id"] == tasks["Write report"]["id"]
    assert (
        tasks["Write report"]["reminders"] == [{"before": "PT30M"}]
        and tasks["Write report"]["priority"] == "high"
    )
    passport = tasks["Renew passport"]
    assert passport["completed"] and passport["completed_at"] == "2026-10-01T10:39:31Z"
    assert passport["created_at"] == "2022-01-21T11:33:40Z"
    inbox = next(each for each in ok(client.get("/api/lists", headers=ann_auth)) if each["is_default"])
    assert passport["list_id"] == inbox["id"] and inbox["open_count"] == 0 and inbox["task_count"] == 1
    assert import_file(client, ann_auth, backup, CSV)["tasks_skipped"] == 3


# Refusals: nothing written --------------------------------------------------------------------


def test_refused_files_write_nothing(client: TestClient, ann_auth: Headers) -> None:
    post(client, ann_auth, "/api/tasks", {"title": "Mine"})
    before, events = export(client, ann_auth), events_of("ann@example.com")
    unknown = client.post("/api/import", content=b"name,age\nann,3\n", headers={**ann_auth, **CSV})
    assert unknown.status_code == 415 and unknown.json()["code"] == "unsupported_media_type"
    text = todoist_csv(todoist_task("Fine"), todoist_task("x" * 201))
    headers = {**ann_auth, **CSV, "Content-Disposition": 'attachment; filename="Work [2203306141].csv"'}
    refused = client.post("/api/import", content=text, headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "Work [2203306141].csv", 5] and problem["msg"].startswith("CONTENT: ")
    document = {
        "format": "todo-api/1",
        "lists": [],
        "tasks": [{"id": 1, "title": "ok"}, {"id": 2, "title": ""}],
    }
    refused = client.post("/api/import", json=document, headers=ann_auth)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "tasks", 1, "title"]
    malformed = client.post("/api/import", content=b'{"format": ', headers={**ann_auth, **JSON})
    assert malformed.status_code == 400
    bad_list = client.post(
        "/api/import?list=", content=todoist_csv(todoist_task("a")), headers={**ann_auth, **CSV}
    )
    assert bad_list.status_code == 422 and bad_list.json()["detail"][0]["loc"] == ["query", "list"]
    assert export(client, ann_auth)["tasks"] == before["tasks"] and events_of("ann@example.com") == events


def test_a_failure_half_way_rolls_everything_back(client: TestClient, ann_auth: Headers) -> None:
    """A subtask of a task Ann has four levels down would be a fifth level: found only while
    writing, once a list and a task of the file are made, and all of it rolled back."""
    levels = [
        todoist_task(title, indent=level) for level, title in enumerate(("One", "Two", "Three", "Four"), 1)
    ]
    import_file(client, ann_auth, todoist_csv(*levels), CSV, "?list=Deep")
    before, events = export(client, ann_auth), events_of("ann@example.com")
    four = next(task for task in before["tasks"] if task["title"] == "Four")
    document = {
        "format": "todo-api/1",
        "lists": [{"id": 1, "name": "Fresh"}],
        "tasks": [
            {"id": 10, "title": "New", "list_id": 1},
            {"id": 12, "title": "Four", "list_id": 1, "uid": four["uid"]},  # Ann's: skipped
            {"id": 11, "title": "Under Four", "list_id": 1, "parent_id": 12},
        ],
    }
    refused = client.post("/api/import", json=document, headers=ann_auth)
    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "tasks", 2, "parent_id"] and problem["type"] == "too_deep"
    assert export(client, ann_auth)["tasks"] == before["tasks"] and events_of("ann@example.com") == events
    assert "Fresh" not in [each["name"] for each in ok(client.get("/api/lists", headers=ann_auth))]


def test_a_body_over_import_max_bytes_is_413(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(IMPORT_MAX_BYTES="2048"))) as client:
        headers = auth(signup(client)["access_token"])
        text = todoist_csv(*[todoist_task(f"Task number {n}") for n in range(60)])
        assert len(text) > 2048
        answer = client.post("/api/import", content=text, headers={**headers, **CSV})
        assert answer.status_code == 413 and answer.json()["code"] == "payload_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: refused while reading
            yield text.encode()

        answer = client.post("/api/import", content=chunks(), headers={**headers, **CSV})
        assert answer.status_code == 413
        assert all_tasks(client, headers) == []


# Dry runs and Idempotency-Key -----------------------------------------------------------------


def test_a_dry_run_answers_what_the_import_would_do_and_writes_nothing(
    client: TestClient, rich: dict[str, Any], bob_auth: Headers
) -> None:
    text = json.dumps(rich)
    lists, events = ok(client.get("/api/lists", headers=bob_auth)), events_of("bob@example.com")
    cursor = ok(client.get("/api/changes", headers=bob_auth))["cursor"]
    dry = import_file(client, bob_auth, text, JSON, "?dry_run=true")
    assert dry["tasks_created"] == len(rich["tasks"]) and dry["lists_created"] == 2
    assert ok(client.get("/api/lists", headers=bob_auth)) == lists and all_tasks(client, bob_auth) == []
    assert events_of("bob@example.com") == events
    assert ok(client.get("/api/changes", params={"since": cursor}, headers=bob_auth))["changes"] == []
    assert import_file(client, bob_auth, text, JSON) == dry


def test_idempotency_key_replays_the_first_answer(client: TestClient, bob_auth: Headers) -> None:
    tasks = [{"id": n, "title": f"Task {n}", "description": "words " * 40} for n in range(1, 401)]
    text = json.dumps({"format": "todo-api/1", "lists": [], "tasks": tasks})
    assert len(text) > 65536, "past MAX_BODY_BYTES: the key's reading takes the import's limit"
    keyed = {**bob_auth, **JSON, "Idempotency-Key": "import-1"}
    first = client.post("/api/import", content=text, headers=keyed)
    second = client.post("/api/import", content=text, headers=keyed)
    assert first.status_code == second.status_code == 200
    assert second.headers["idempotent-replayed"] == "true" and second.json() == first.json()
    assert first.json()["tasks_created"] == len(tasks) == len(export(client, bob_auth)["tasks"])
    other = client.post("/api/import", content=todoist_csv(todoist_task("x")), headers={**keyed, **CSV})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


# One user never touches another's --------------------------------------------------------------


def test_an_import_is_the_callers_only(
    client: TestClient, rich: dict[str, Any], ann_auth: Headers, bob_auth: Headers
) -> None:
    import_file(client, bob_auth, json.dumps(rich), JSON)
    assert shape(export(client, ann_auth))["tasks"] == shape(rich)["tasks"], "Ann's tasks are as they were"
    assert all(each["user_id"] != rich["tasks"][0]["user_id"] for each in export(client, bob_auth)["tasks"])
    with database_proxy.obj.connection_context():
        uids = [row.uid for row in Task.select(Task.uid).where(Task.uid == rich["tasks"][0]["uid"])]
    assert len(uids) == 2, "the same uid in two accounts: one task each"
    # Importing Ann's export into Ann's account again: every task is hers already.
    assert import_file(client, ann_auth, json.dumps(rich), JSON)["tasks_skipped"] == len(rich["tasks"])


def test_a_frontend_elsewhere_may_send_the_file_name_and_read_the_exports(
    make_settings: Callable[..., Settings],
) -> None:
    with TestClient(create_app(make_settings(CORS_ORIGINS="https://app.example.com"))) as client:
        preflight = client.options(
            "/api/import",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, content-disposition",
            },
        )
        assert preflight.status_code == 200, preflight.text
        assert "content-disposition" in preflight.headers["access-control-allow-headers"].lower()
        headers = {**auth(signup(client)["access_token"]), "Origin": "https://app.example.com"}
        exported = client.get("/api/export", headers=headers)
        assert "Content-Disposition" in exported.headers["access-control-expose-headers"]


def test_a_new_list_a_file_names_twice_in_other_cases_is_made_once(
    client: TestClient, ann_auth: Headers
) -> None:
    """The second name finds the list the first made (list names are unique whatever their case)."""
    document = {
        "format": "todo-api/1",
        "lists": [
            {"id": 1, "name": "Inbox", "is_default": True},
            {"id": 2, "name": "Errands"},
            {"id": 3, "name": "errands"},
        ],
        "tasks": [{"id": 1, "title": "One", "list_id": 2}, {"id": 2, "title": "Two", "list_id": 3}],
    }
    report = ok(client.post("/api/import", json=document, headers=ann_auth))
    assert (report["lists_created"], report["tasks_created"]) == (1, 2)
    lists = ok(client.get("/api/lists", headers=ann_auth))
    assert [(each["name"], each["task_count"]) for each in lists] == [("Inbox", 0), ("Errands", 2)]
