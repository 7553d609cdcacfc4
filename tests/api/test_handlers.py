"""Each handler module alone: called with a request built by hand, no router, no middleware."""

from __future__ import annotations

import json
from typing import Any

import pytest

from domain.errors import Conflict, Invalid, NotFound, Unauthenticated
from handlers import (
    complete_task,
    create_task,
    delete_task,
    delete_tasks,
    get_task,
    health,
    home,
    list_tasks,
    login,
    me,
    openapi,
    patch_task,
    replace_task,
    signup,
)
from handlers.http.errors import ApiError
from handlers.http.state import rest_state
from runtime.services import Services
from tests.support.accounts import PASSWORD, signup_alone
from tests.support.requests import make_request

pytestmark = pytest.mark.anyio


def body(response: Any) -> Any:
    return json.loads(response.body)


async def new_task(services: Services, token: str, **fields: Any) -> dict[str, Any]:
    request = make_request(services, "POST", "/api/tasks", token=token, json_body={"title": "t", **fields})
    response = await create_task.handle(request)
    assert response.status_code == 201
    return body(response)


def task_request(services: Services, method: str, task_id: int, token: str, **kwargs: Any) -> Any:
    path = f"/api/tasks/{task_id}"
    return make_request(services, method, path, path_params={"task_id": str(task_id)}, token=token, **kwargs)


async def test_signup_then_duplicate(services: Services) -> None:
    account = await signup_alone(services)
    assert account["user"]["email"] == "ann@example.com"
    with pytest.raises(Conflict):
        await signup_alone(services, "ANN@example.com")


async def test_login_handler(services: Services) -> None:
    await signup_alone(services)
    ok = make_request(
        services, "POST", "/api/auth/login", json_body={"email": "ann@example.com", "password": PASSWORD}
    )
    assert (await login.handle(ok)).status_code == 200
    form = make_request(
        services,
        "POST",
        "/api/auth/login",
        body=f"username=ann%40example.com&password={PASSWORD}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert body(await login.handle(form))["user"]["email"] == "ann@example.com"
    bad = make_request(
        services, "POST", "/api/auth/login", json_body={"email": "ann@example.com", "password": "nope-nope"}
    )
    with pytest.raises(Unauthenticated, match="Incorrect email or password"):  # REST's 401
        await login.handle(bad)


async def test_me_handler(services: Services) -> None:
    account = await signup_alone(services)
    response = await me.handle(make_request(services, "GET", "/api/auth/me", token=account["access_token"]))
    assert body(response) == account["user"]
    with pytest.raises(Unauthenticated):
        await me.handle(make_request(services, "GET", "/api/auth/me"))


async def test_create_and_get_handlers(services: Services) -> None:
    token = (await signup_alone(services))["access_token"]
    task = await new_task(services, token, tags=["A"])
    assert task["tags"] == ["a"]
    response = await get_task.handle(task_request(services, "GET", task["id"], token))
    assert body(response) == task


async def test_list_handler(services: Services) -> None:
    token = (await signup_alone(services))["access_token"]
    for title in ("one", "two", "three"):
        await new_task(services, token, title=title)
    response = await list_tasks.handle(
        make_request(services, "GET", "/api/tasks", token=token, query="limit=2")
    )
    assert [task["title"] for task in body(response)] == ["three", "two"]
    assert response.headers["x-total-count"] == "3"


async def test_replace_and_patch_handlers(services: Services) -> None:
    token = (await signup_alone(services))["access_token"]
    task = await new_task(services, token, description="keep")
    replaced = await replace_task.handle(
        task_request(services, "PUT", task["id"], token, json_body={"title": "new"})
    )
    assert (body(replaced)["title"], body(replaced)["description"]) == ("new", "keep")
    patched = await patch_task.handle(
        task_request(services, "PATCH", task["id"], token, json_body={"priority": "low"})
    )
    assert (body(patched)["title"], body(patched)["priority"]) == ("new", "low")
    with pytest.raises(Invalid):
        await replace_task.handle(
            task_request(services, "PUT", task["id"], token, json_body={"priority": "low"})
        )


async def test_complete_handler(services: Services) -> None:
    token = (await signup_alone(services))["access_token"]
    task = await new_task(services, token)
    path = f"/api/tasks/{task['id']}/complete"
    params = {"task_id": str(task["id"])}
    toggled = await complete_task.handle(
        make_request(services, "PATCH", path, path_params=params, token=token)
    )
    assert body(toggled)["completed"] is True
    set_false = make_request(
        services, "PATCH", path, path_params=params, token=token, json_body={"completed": False}
    )
    assert body(await complete_task.handle(set_false))["completed"] is False


async def test_delete_handlers(services: Services) -> None:
    token = (await signup_alone(services))["access_token"]
    first = await new_task(services, token)
    await new_task(services, token, completed=True)
    await new_task(services, token)
    assert (await delete_task.handle(task_request(services, "DELETE", first["id"], token))).status_code == 204
    with pytest.raises(NotFound):
        await delete_task.handle(task_request(services, "DELETE", first["id"], token))
    done = make_request(services, "DELETE", "/api/tasks", token=token, query="completed=true")
    assert body(await delete_tasks.handle(done)) == {"deleted": 1}
    rest = make_request(services, "DELETE", "/api/tasks", token=token)
    assert body(await delete_tasks.handle(rest)) == {"deleted": 1}


async def test_user_path_shape_in_a_handler(services: Services) -> None:
    ann = await signup_alone(services)
    bob = await signup_alone(services, "bob@example.com")
    request = make_request(
        services,
        "GET",
        f"/api/{ann['user']['id']}/tasks",
        path_params={"user_id": ann["user"]["id"]},
        token=bob["access_token"],
    )
    with pytest.raises(ApiError) as error:
        await list_tasks.handle(request)
    assert error.value.status == 403


async def test_health_openapi_and_home_handlers(services: Services) -> None:
    assert body(await health.handle(make_request(services, "GET", "/health")))["database"] == "ok"
    request = make_request(services, "GET", "/openapi.json")
    rest_state(request).endpoints = (signup.ENDPOINT, list_tasks.ENDPOINT)
    document = body(await openapi.handle(request))
    assert set(document["paths"]) == {"/api/auth/signup", "/api/tasks", "/api/{user_id}/tasks"}
    page = await home.handle(make_request(services, "GET", "/"))
    assert page.status_code == 200
    assert "frame-ancestors" in page.headers["content-security-policy"]
