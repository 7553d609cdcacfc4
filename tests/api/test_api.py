"""The routed app through an HTTP test client: the contract's routes, rules and status codes,
on both route shapes."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from starlette.testclient import TestClient

from settings import PROJECT_DIR
from tests.support.accounts import PASSWORD, auth, signup

SHAPES = ["own", "user"]


def tasks_path(shape: str, user_id: str, suffix: str = "") -> str:
    return f"/api/tasks{suffix}" if shape == "own" else f"/api/{user_id}/tasks{suffix}"


def create(client: TestClient, account: dict[str, Any], shape: str = "own", **fields: Any) -> dict[str, Any]:
    body = {"title": "Buy milk", **fields}
    response = client.post(
        tasks_path(shape, account["user"]["id"]), json=body, headers=auth(account["access_token"])
    )
    assert response.status_code == 201, response.text
    return response.json()


# Accounts ------------------------------------------------------------------------------------


def test_signup_answers_a_token_and_the_user(client: TestClient) -> None:
    response = client.post(
        "/api/auth/signup", json={"email": "  Ann@Example.COM ", "password": PASSWORD, "name": "Ann"}
    )
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1440 * 60
    assert body["user"]["email"] == "ann@example.com"
    assert body["user"]["name"] == "Ann"
    assert isinstance(body["user"]["id"], str)
    assert body["user"]["created_at"].endswith("Z")
    me = client.get("/api/auth/me", headers=auth(body["access_token"]))
    assert me.status_code == 200
    assert me.json() == body["user"]


def test_email_is_unique_regardless_of_case(client: TestClient, ann: dict[str, Any]) -> None:
    response = client.post("/api/auth/signup", json={"email": "ANN@example.com", "password": PASSWORD})
    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered", "code": "conflict"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "é" * 37}, "password"),  # 74 bytes
        ({"email": "a" * 250 + "@example.com", "password": PASSWORD}, "email"),
        ({"password": PASSWORD}, "email"),
    ],
)
def test_signup_validation(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/auth/signup", json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert ["body", field] in [item["loc"] for item in response.json()["detail"]]


def test_password_of_72_bytes_is_accepted_and_checked_whole(client: TestClient) -> None:
    password = "p" * 71 + "1"
    signup(client, "long@example.com", password)
    wrong = client.post("/api/auth/login", json={"email": "long@example.com", "password": "p" * 71 + "2"})
    assert wrong.status_code == 401


def test_login_with_json_and_with_oauth2_form(client: TestClient, ann: dict[str, Any]) -> None:
    by_json = client.post("/api/auth/login", json={"email": "ANN@example.com", "password": PASSWORD})
    assert by_json.status_code == 200
    assert by_json.json()["user"] == ann["user"]
    by_form = client.post("/api/auth/login", data={"username": "ann@example.com", "password": PASSWORD})
    assert by_form.status_code == 200
    assert by_form.json()["token_type"] == "bearer"
    assert by_json.headers["cache-control"] == by_form.headers["cache-control"] == "no-store"


def test_login_with_a_password_over_72_bytes_is_401_not_500(client: TestClient, ann: dict[str, Any]) -> None:
    for password in (PASSWORD + "x" * 80, "é" * 40):
        response = client.post("/api/auth/login", json={"email": "ann@example.com", "password": password})
        assert response.status_code == 401
        form = client.post("/api/auth/login", data={"username": "ann@example.com", "password": password})
        assert form.status_code == 401


def test_integral_float_order_and_iso_only_dates(client: TestClient, ann: dict[str, Any]) -> None:
    assert create(client, ann, order=288.0)["order"] == 288
    headers = auth(ann["access_token"])
    for body in ({"title": "x", "order": 2.5}, {"title": "x", "order": True}, {"title": "x", "due_date": 0}):
        assert client.post("/api/tasks", json=body, headers=headers).status_code == 422, body
    assert client.get("/api/tasks?due_before=0.5", headers=headers).status_code == 422


def test_login_failure_is_one_message(client: TestClient, ann: dict[str, Any]) -> None:
    wrong_password = client.post("/api/auth/login", json={"email": "ann@example.com", "password": "x" * 10})
    unknown_email = client.post("/api/auth/login", json={"email": "who@example.com", "password": "x" * 10})
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer not.a.jwt"}],
)
def test_missing_or_invalid_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/tasks", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


# Tasks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_task_lifecycle(client: TestClient, ann: dict[str, Any], shape: str) -> None:
    user_id, headers = ann["user"]["id"], auth(ann["access_token"])
    created = client.post(
        tasks_path(shape, user_id),
        json={"title": "  Buy milk ", "tags": ["Home", "home", " errands "], "priority": "high"},
        headers=headers,
    )
    assert created.status_code == 201
    task = created.json()
    assert task["title"] == "Buy milk"
    assert task["tags"] == ["home", "errands"]
    assert task["priority"] == "high"
    assert task["completed"] is False and task["completed_at"] is None
    assert task["user_id"] == user_id
    assert task["url"] == f"http://testserver/api/tasks/{task['id']}"
    assert created.headers["location"] == task["url"]

    path = tasks_path(shape, user_id, f"/{task['id']}")
    assert client.get(path, headers=headers).json() == task

    patched = client.patch(
        path, json={"description": "2 litres", "due_date": "2026-12-01T10:00:00+01:00"}, headers=headers
    )
    assert patched.status_code == 200
    assert patched.json()["description"] == "2 litres"
    assert patched.json()["due_date"] == "2026-12-01T09:00:00Z"
    assert patched.json()["title"] == "Buy milk"

    replaced = client.put(path, json={"title": "Buy oat milk"}, headers=headers)
    assert replaced.status_code == 200
    assert replaced.json()["title"] == "Buy oat milk"
    assert replaced.json()["description"] == "2 litres"  # not sent: kept
    assert replaced.json()["tags"] == ["home", "errands"]

    toggled = client.patch(path + "/complete", headers=headers)
    assert toggled.json()["completed"] is True
    completed_at = toggled.json()["completed_at"]
    assert completed_at.endswith("Z")
    again = client.patch(path + "/complete", json={"completed": True}, headers=headers)
    assert again.json()["completed_at"] == completed_at  # kept when completed again
    reopened = client.patch(path + "/complete", headers=headers)
    assert reopened.json()["completed"] is False and reopened.json()["completed_at"] is None

    assert client.delete(path, headers=headers).status_code == 204
    assert client.get(path, headers=headers).status_code == 404
    assert client.delete(path, headers=headers).status_code == 404


def test_defaults_and_nulls(client: TestClient, ann: dict[str, Any]) -> None:
    task = create(client, ann, description="d", due_date="2026-01-01T00:00:00Z", order=3)
    assert task["priority"] == "medium"
    headers = auth(ann["access_token"])
    cleared = client.patch(
        f"/api/tasks/{task['id']}",
        json={"description": None, "due_date": None, "order": None},
        headers=headers,
    )
    assert cleared.status_code == 200
    assert (cleared.json()["description"], cleared.json()["due_date"], cleared.json()["order"]) == (
        None,
        None,
        None,
    )
    for field in ("title", "priority", "tags", "completed"):
        response = client.patch(f"/api/tasks/{task['id']}", json={field: None}, headers=headers)
        assert response.status_code == 422, field
        assert response.json()["detail"][0]["loc"] == ["body", field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "tab\there"}, "title"),
        ({"title": "new\nline"}, "title"),
        ({"title": "bell\x07"}, "title"),
        ({"title": 5}, "title"),
        ({"title": "ok", "description": "x" * 1001}, "description"),
        ({"title": "ok", "description": "nul\x00"}, "description"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "due_date": "tomorrow"}, "due_date"),
        ({"title": "ok", "tags": [str(i) for i in range(11)]}, "tags"),
        ({"title": "ok", "tags": ["x" * 31]}, "tags"),
        ({"title": "ok", "tags": [""]}, "tags"),
        ({"title": "ok", "order": "first"}, "order"),
        ({"title": "ok", "order": 2**63}, "order"),
        ({"title": "ok", "completed": "yes"}, "completed"),
        ({}, "title"),
    ],
)
def test_task_validation_is_422_and_stores_nothing(
    client: TestClient, ann: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    headers = auth(ann["access_token"])
    response = client.post("/api/tasks", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]
    assert client.get("/api/tasks", headers=headers).headers["x-total-count"] == "0"


def test_description_allows_newlines_and_tabs(client: TestClient, ann: dict[str, Any]) -> None:
    task = create(client, ann, description="line one\n\tline two")
    assert task["description"] == "line one\n\tline two"


def test_server_owned_and_unknown_fields_are_ignored(
    client: TestClient, ann: dict[str, Any], bob: dict[str, Any]
) -> None:
    task = create(
        client,
        ann,
        id=999,
        user_id=bob["user"]["id"],
        url="http://evil/",
        created_at="2000-01-01T00:00:00Z",
        colour="red",
    )
    assert task["id"] != 999
    assert task["user_id"] == ann["user"]["id"]
    assert task["created_at"] != "2000-01-01T00:00:00Z"
    moved = client.patch(
        f"/api/tasks/{task['id']}", json={"user_id": bob["user"]["id"]}, headers=auth(ann["access_token"])
    )
    assert moved.json()["user_id"] == ann["user"]["id"]
    assert client.get("/api/tasks", headers=auth(bob["access_token"])).json() == []


@pytest.mark.parametrize("shape", SHAPES)
def test_another_users_task_is_404_never_revealed(
    client: TestClient, ann: dict[str, Any], bob: dict[str, Any], shape: str
) -> None:
    task = create(client, ann)
    bob_headers, bob_id = auth(bob["access_token"]), bob["user"]["id"]
    path = tasks_path(shape, bob_id, f"/{task['id']}")
    assert client.get(path, headers=bob_headers).status_code == 404
    assert client.put(path, json={"title": "mine"}, headers=bob_headers).status_code == 404
    assert client.patch(path, json={"title": "mine"}, headers=bob_headers).status_code == 404
    assert client.patch(path + "/complete", headers=bob_headers).status_code == 404
    assert client.delete(path, headers=bob_headers).status_code == 404
    assert client.delete(tasks_path(shape, bob_id), headers=bob_headers).json() == {"deleted": 0}
    unchanged = client.get(f"/api/tasks/{task['id']}", headers=auth(ann["access_token"])).json()
    assert unchanged == task


def test_path_user_must_be_the_tokens_subject(
    client: TestClient, ann: dict[str, Any], bob: dict[str, Any]
) -> None:
    response = client.get(f"/api/{ann['user']['id']}/tasks", headers=auth(bob["access_token"]))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    task = create(client, ann)
    forbidden = client.delete(
        f"/api/{ann['user']['id']}/tasks/{task['id']}", headers=auth(bob["access_token"])
    )
    assert forbidden.status_code == 403


def test_task_id_must_be_an_integer_in_range(client: TestClient, ann: dict[str, Any]) -> None:
    headers = auth(ann["access_token"])
    assert client.get("/api/tasks/abc", headers=headers).status_code == 422
    assert client.get("/api/tasks/99999999999999999999999", headers=headers).status_code == 404
    assert client.get("/api/tasks/0", headers=headers).status_code == 404


def test_delete_many(client: TestClient, ann: dict[str, Any]) -> None:
    headers = auth(ann["access_token"])
    done = create(client, ann, title="done", completed=True)
    create(client, ann, title="open")
    create(client, ann, title="open too")
    assert done["completed"] is True and done["completed_at"] is not None
    assert client.delete("/api/tasks?completed=true", headers=headers).json() == {"deleted": 1}
    assert client.delete("/api/tasks?completed=maybe", headers=headers).status_code == 422
    assert client.delete("/api/tasks", headers=headers).json() == {"deleted": 2}
    assert client.get("/api/tasks", headers=headers).json() == []


# Listing -------------------------------------------------------------------------------------


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [task["title"] for task in response.json()]


def test_list_filters_search_and_sort(client: TestClient, ann: dict[str, Any]) -> None:
    headers = auth(ann["access_token"])
    create(client, ann, title="banana", priority="low", tags=["food"], due_date="2026-03-01T00:00:00Z")
    create(
        client,
        ann,
        title="Apple pie",
        priority="high",
        description="Grandma's RECIPE",
        tags=["food", "baking"],
    )
    create(
        client,
        ann,
        title="cherry",
        priority="medium",
        completed=True,
        due_date="2026-01-01T00:00:00Z",
        order=1,
    )
    create(client, ann, title="100% done_", order=2)

    def listed(query: str) -> list[str]:
        return titles(client.get(f"/api/tasks?{query}", headers=headers))

    assert listed("") == ["100% done_", "cherry", "Apple pie", "banana"]  # newest first
    assert listed("sort=created_at") == ["banana", "Apple pie", "cherry", "100% done_"]
    assert listed("sort=title") == ["100% done_", "Apple pie", "banana", "cherry"]
    # ties are broken by id in the sort's direction
    assert listed("sort=-priority") == ["Apple pie", "100% done_", "cherry", "banana"]
    assert listed("sort=priority") == ["banana", "cherry", "100% done_", "Apple pie"]
    assert listed("sort=due_date") == ["cherry", "banana", "Apple pie", "100% done_"]  # nulls last
    assert listed("sort=-due_date") == ["banana", "cherry", "100% done_", "Apple pie"]
    assert listed("sort=order") == ["cherry", "100% done_", "banana", "Apple pie"]
    assert listed("completed=true") == ["cherry"]
    assert listed("status=pending") == ["100% done_", "Apple pie", "banana"]
    assert listed("status=completed") == ["cherry"]
    assert listed("q=recipe") == ["Apple pie"]
    assert listed("q=APPLE") == ["Apple pie"]
    assert listed("q=%25") == ["100% done_"]  # LIKE wildcards are literal
    assert listed("q=_") == ["100% done_"]
    assert listed("priority=low") == ["banana"]
    assert listed("tag=FOOD") == ["Apple pie", "banana"]
    assert listed("tag=foo") == []  # whole tags only
    assert listed("due_before=2026-02-01T00:00:00Z") == ["cherry"]
    assert listed("due_after=2026-02-01T00:00:00Z") == ["banana"]
    # bounds past what UTC can hold are the start and the end of time, which hold every due date
    assert listed("due_after=0001-01-01T00:00:54%2B15:59") == ["cherry", "banana"]
    assert listed("due_before=9999-12-31T23:59:00-01:00") == ["cherry", "banana"]
    create(client, ann, title="last", due_date="9999-12-31T23:59:59.999999Z")
    assert listed("due_before=9999-12-31T23:59:00-01:00") == ["last", "cherry", "banana"]
    assert listed("due_before=9999-12-31T23:59:59Z") == ["cherry", "banana"]


def test_sort_by_title_breaks_ties_by_id(client: TestClient) -> None:
    """Equal titles sort by id, ascending or descending, so the order is stable."""
    headers = auth(signup(client)["access_token"])
    for description in ("zzz", "aaa", None):
        client.post("/api/tasks", json={"title": "Same", "description": description}, headers=headers)
    ids = [t["id"] for t in client.get("/api/tasks?sort=title", headers=headers).json()]
    assert ids == sorted(ids)
    assert [t["id"] for t in client.get("/api/tasks?sort=-title", headers=headers).json()] == sorted(
        ids, reverse=True
    )


def test_list_paging_headers(client: TestClient, ann: dict[str, Any]) -> None:
    headers = auth(ann["access_token"])
    for number in range(5):
        create(client, ann, title=f"task {number}")
    page = client.get("/api/tasks?limit=2&offset=2&sort=created_at", headers=headers)
    assert titles(page) == ["task 2", "task 3"]
    assert page.headers["x-total-count"] == "5"
    assert 'rel="next"' in page.headers["link"] and 'rel="prev"' in page.headers["link"]
    assert "offset=4" in page.headers["link"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "offset=-1",
        "sort=colour",
        "sort=--title",
        "status=done",
        "completed=perhaps",
        "priority=urgent",
        "due_before=soon",
        "q=" + "x" * 201,
        "tag=home%1E",  # a control character, though Python's strip() would take it as white space
    ],
)
def test_bad_list_parameter_is_422_naming_it(client: TestClient, ann: dict[str, Any], query: str) -> None:
    response = client.get(f"/api/tasks?{query}", headers=auth(ann["access_token"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", query.split("=")[0]]


# Conventions ---------------------------------------------------------------------------------


def test_malformed_json_is_400(client: TestClient, ann: dict[str, Any]) -> None:
    headers = {**auth(ann["access_token"]), "content-type": "application/json"}
    for body in (b"{", b'{"title": "a", "title": "b"}', b"\xff\xfe", b'{"title": NaN}'):
        response = client.post("/api/tasks", content=body, headers=headers)
        assert response.status_code == 400, body
        assert response.json()["code"] == "bad_request"


LONE_SURROGATE = "a\ud800b"  # valid JSON ("a\\ud800b"), but no Unicode text: UTF-8 cannot encode it


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/api/tasks", {"title": LONE_SURROGATE}, ["title"]),
        ("/api/tasks", {"title": "x", "description": LONE_SURROGATE}, ["description"]),
        ("/api/tasks", {"title": "x", "tags": ["home", LONE_SURROGATE]}, ["tags", 1]),
        ("/api/lists", {"name": LONE_SURROGATE}, ["name"]),
        ("/api/auth/tokens", {"name": LONE_SURROGATE}, ["name"]),
        (
            "/api/auth/signup",
            {"email": "cy@example.com", "password": PASSWORD, "name": LONE_SURROGATE},
            ["name"],
        ),
        (
            "/api/batch",
            {
                "operations": [
                    {"op": "create", "task": {"title": "x"}},
                    {"op": "create", "task": {"title": "\udc00"}},
                ]
            },
            ["operations", 1, "task", "title"],
        ),
        (
            "/api/batch",
            {"operations": [{"op": "create_list", "list": {"name": LONE_SURROGATE}}]},
            ["operations", 0, "list", "name"],
        ),
        ("/api/tasks", {"title": "x", "\ud800": 1}, ["\\ud800"]),  # a key: named by its escape
    ],
)
def test_a_lone_surrogate_is_422_naming_the_field_and_stores_nothing(
    client: TestClient, ann: dict[str, Any], path: str, body: dict[str, Any], loc: list[str | int]
) -> None:
    headers = {**auth(ann["access_token"]), "content-type": "application/json"}
    before = [
        client.get(listed, headers=headers).json()
        for listed in ("/api/tasks", "/api/lists", "/api/auth/tokens")
    ]
    response = client.post(path, content=json.dumps(body).encode(), headers=headers)  # ASCII: the \u escape
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", *loc], "string_unicode")
    assert [
        client.get(listed, headers=headers).json()
        for listed in ("/api/tasks", "/api/lists", "/api/auth/tokens")
    ] == before
    cy = {"email": "cy@example.com", "password": PASSWORD}
    assert client.post("/api/auth/login", json=cy).status_code == 401  # no account made
    task = create(client, ann)
    patched = client.patch(f"/api/tasks/{task['id']}", content=b'{"title": "\\ud83d"}', headers=headers)
    assert patched.status_code == 422 and patched.json()["detail"][0]["loc"] == ["body", "title"]
    # A pair of surrogates is one character, and text percent-encoded in a query string that is
    # not UTF-8 (as a lone surrogate would be) is read with replacement characters.
    emoji = client.post("/api/tasks", content=b'{"title": "\\ud83d\\ude00"}', headers=headers)
    assert emoji.status_code == 201 and emoji.json()["title"] == "\U0001f600"
    for query in ("q=%ED%A0%80", "tag=%ED%A0%80"):
        assert client.get(f"/api/tasks?{query}", headers=headers).json() == []


def test_non_json_body_is_415(client: TestClient, ann: dict[str, Any]) -> None:
    response = client.post(
        "/api/tasks", content=b"title=x", headers={**auth(ann["access_token"]), "content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_body_over_the_limit_is_413(make_settings: Any) -> None:
    settings = make_settings(MAX_BODY_BYTES="2048")
    from router import create_app

    with TestClient(create_app(settings)) as client:
        account = signup(client)
        response = client.post(
            "/api/tasks",
            json={"title": "x", "description": "y" * 3000},
            headers=auth(account["access_token"]),
        )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_405_lists_the_allowed_methods(client: TestClient) -> None:
    response = client.put("/api/tasks")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST", "DELETE"}
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_path_is_404_json(client: TestClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found", "code": "not_found"}


def test_json_content_type_without_body_is_fine(client: TestClient, ann: dict[str, Any]) -> None:
    headers = {**auth(ann["access_token"]), "content-type": "application/json"}
    assert client.get("/api/tasks", headers=headers).status_code == 200
    task = create(client, ann)
    assert client.delete(f"/api/tasks/{task['id']}", headers=headers).status_code == 204


def test_request_id_is_echoed_when_sane_and_made_otherwise(client: TestClient) -> None:
    assert (
        client.get("/health", headers={"X-Request-ID": "abc-123.x_y"}).headers["x-request-id"]
        == "abc-123.x_y"
    )
    made = client.get("/health", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"]
    assert made != "bad id!" and len(made) == 32
    assert client.get("/nope").headers["x-request-id"]
    made_ids = {client.get("/health").headers["x-request-id"] for _ in range(50)}
    assert len(made_ids) == 50 and all(len(made) == 32 and int(made, 16) >= 0 for made in made_ids)


def test_json_media_type(client: TestClient) -> None:
    assert client.get("/health").headers["content-type"] == "application/json; charset=utf-8"


def test_health_and_root(client: TestClient) -> None:
    version = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["version"]
    assert client.get("/health").json() == {"status": "ok", "database": "ok", "version": version}
    assert client.get("/openapi.json").json()["info"]["version"] == version
    root = client.get("/")
    assert root.status_code == 200
    assert root.headers["content-type"].startswith("text/html")
    assert 'href="/health"' in root.text and 'href="/docs"' in root.text
    assert "frame-ancestors 'self' https://huggingface.co" in root.headers["content-security-policy"]
    assert client.head("/").status_code == 200


def test_the_pages_files_are_asked_for_again_before_each_use(client: TestClient) -> None:
    """static/app/ holds ES modules that import each other by relative paths: a browser must not
    run one it kept from before an upgrade beside newer ones, so each file says no-cache (kept,
    but revalidated), and an unchanged one costs a 304 without a body."""
    first = client.get("/static/app/main.js")
    assert first.status_code == 200
    assert first.headers["content-type"].split(";")[0] in {"text/javascript", "application/javascript"}
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/static/app/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content, again.headers["cache-control"]) == (304, b"", "no-cache")


def test_openapi_lists_both_shapes(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    for path in (
        "/api/tasks",
        "/api/{user_id}/tasks",
        "/api/tasks/{task_id}",
        "/api/{user_id}/tasks/{task_id}/complete",
    ):
        assert path in document["paths"], path
    assert set(document["paths"]["/api/tasks/{task_id}"]) == {"get", "put", "patch", "delete"}


def test_cors_preflight_and_errors_carry_the_origin(make_settings: Any) -> None:
    from router import create_app

    settings = make_settings(
        CORS_ORIGINS="https://app.example.com", CORS_ORIGIN_REGEX=r"https://.*\.vercel\.app"
    )
    with TestClient(create_app(settings)) as client:
        preflight = client.options(
            "/api/tasks/1",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 200
        assert "PATCH" in preflight.headers["access-control-allow-methods"]
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        error = client.get("/api/tasks", headers={"Origin": "https://preview-1.vercel.app"})
        assert error.status_code == 401
        assert error.headers["access-control-allow-origin"] == "https://preview-1.vercel.app"
        assert "X-Total-Count" in error.headers["access-control-expose-headers"]
        other = client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        # Every answer may differ by Origin, so every answer says so, with an Origin or without.
        for response in (error, other, client.get("/health"), client.get("/no/such/path")):
            assert response.headers.get_list("vary") == ["Origin"], response.headers


def test_database_unreachable_is_a_clean_503(make_settings: Any) -> None:
    from router import create_app

    settings = make_settings(
        DATABASE_URL="postgresql://todo:pw-secret@127.0.0.1:1/todo",
        AUTO_MIGRATE="false",
        DB_TIMEOUT_SECONDS="2",
    )
    with TestClient(create_app(settings)) as client:
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "error"
        assert health.json()["database"].startswith("unreachable")
        assert "pw-secret" not in health.text
        response = client.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD})
        assert response.status_code == 503
        assert response.json()["code"] == "service_unavailable"
        assert "Traceback" not in response.text and "psycopg" not in response.text


def test_forwarded_headers_from_a_trusted_proxy_shape_the_url(make_settings: Any) -> None:
    from router import create_app

    with TestClient(create_app(make_settings(FORWARDED_ALLOW_IPS="*"))) as client:
        account = signup(client)
        response = client.post(
            "/api/tasks",
            json={"title": "x"},
            headers={
                **auth(account["access_token"]),
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "me-todo.hf.space",
            },
        )
    assert response.json()["url"].startswith("https://me-todo.hf.space/api/tasks/")


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(
    client: TestClient, ann: dict[str, Any]
) -> None:
    response = client.post(
        "/api/tasks",
        json={"title": "x"},
        headers={
            **auth(ann["access_token"]),
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
    )
    assert response.json()["url"].startswith("http://testserver/")
