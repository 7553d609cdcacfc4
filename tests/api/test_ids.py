"""No id the API shows is ever given twice, on every database: deleting the newest task (list,
token, webhook, reminder) and creating another gives the new one a new id, whoever creates it,
and the change feed then names each id once per answer. (tests/e2e/test_ids_migration.py upgrades
a database the previous release made; tests/api/test_properties.py runs random changes against a
feed client.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from router import create_app
from settings import Settings
from tests.support.accounts import auth, signup

FAR = "2100-01-01T00:00:00Z"


@pytest.fixture
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    """The app, taking webhooks to a local address (nothing listens there: none is delivered)."""
    with TestClient(create_app(make_settings(WEBHOOK_ALLOW_PRIVATE="true"))) as test_client:
        yield test_client


def made(client: TestClient, path: str, body: Any, headers: dict[str, str]) -> Any:
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def gone(client: TestClient, path: str, headers: dict[str, str]) -> None:
    answer = client.delete(path, headers=headers)
    assert answer.status_code == 204, answer.text


# What each kind is made and deleted with: (collection path, body of a new one).
KINDS = {
    "task": ("/api/tasks", {"title": "t"}),
    "list": ("/api/lists", None),  # a name of its own each time (names are unique per user)
    "token": ("/api/auth/tokens", {"name": "agent"}),
    "webhook": ("/api/webhooks", {"url": "http://127.0.0.1:9/hook"}),
}


@pytest.mark.parametrize("kind", KINDS)
def test_deleting_the_newest_and_making_another_gives_a_new_id(
    client: TestClient, ann_auth: dict[str, str], kind: str
) -> None:
    path, body = KINDS[kind]
    names = iter(range(10))

    def make() -> int:
        return int(made(client, path, body or {"name": f"list {next(names)}"}, ann_auth)["id"])

    first, newest = make(), make()
    gone(client, f"{path}/{newest}", ann_auth)
    again = make()
    assert again > newest > first
    gone(client, f"{path}/{again}", ann_auth)
    gone(client, f"{path}/{first}", ann_auth)
    assert make() > again  # and with none left at all


def test_another_users_new_task_never_takes_a_deleted_id(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    bob_auth = auth(signup(client, "bob@example.com")["access_token"])
    deleted = made(client, "/api/tasks", {"title": "ann's"}, ann_auth)["id"]
    gone(client, f"/api/tasks/{deleted}", ann_auth)
    bobs = made(client, "/api/tasks", {"title": "bob's"}, bob_auth)["id"]
    assert bobs > deleted
    assert client.get(f"/api/tasks/{deleted}", headers=ann_auth).status_code == 404
    assert client.get(f"/api/tasks/{deleted}", headers=bob_auth).status_code == 404


def test_a_reminder_made_anew_gets_a_new_id(client: TestClient, ann_auth: dict[str, str]) -> None:
    """A task's reminders are made anew with each change of them (crud/reminders.py): the
    reminders listed after a change never carry the id of one listed before."""
    task = made(
        client, "/api/tasks", {"title": "t", "due_date": FAR, "reminders": [{"before": "PT1H"}]}, ann_auth
    )
    listed: list[int] = []
    for before in ("PT2H", "PT3H", "PT1H"):
        shown = client.get("/api/reminders", params={"before": FAR}, headers=ann_auth).json()
        assert [reminder["task_id"] for reminder in shown] == [task["id"]]
        assert shown[0]["id"] not in listed
        listed.append(shown[0]["id"])
        answer = client.patch(
            f"/api/tasks/{task['id']}", json={"reminders": [{"before": before}]}, headers=ann_auth
        )
        assert answer.status_code == 200, answer.text


def test_the_feed_names_a_deleted_task_and_its_successor_once_each(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    start = client.get("/api/changes", headers=ann_auth).json()["cursor"]
    old = made(client, "/api/tasks", {"title": "old"}, ann_auth)
    gone(client, f"/api/tasks/{old['id']}", ann_auth)
    new = made(client, "/api/tasks", {"title": "new"}, ann_auth)
    changes = client.get("/api/changes", params={"since": start}, headers=ann_auth).json()["changes"]
    tasks = [(change["id"], change["op"]) for change in changes if change["kind"] == "task"]
    assert tasks == [(old["id"], "delete"), (new["id"], "upsert")]
    gone(client, f"/api/tasks/{new['id']}", ann_auth)
    changes = client.get("/api/changes", params={"since": start}, headers=ann_auth).json()["changes"]
    tasks = [(change["id"], change["op"]) for change in changes if change["kind"] == "task"]
    assert tasks == [(old["id"], "delete"), (new["id"], "delete")]
