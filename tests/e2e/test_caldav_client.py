"""CalDAV with a real client: the `caldav` library (what many task tools are built on) against
a live server on every database, signing in as a task app does, with the account's email and
an app password. It discovers the calendars, lists, creates, completes and syncs tasks, and
keeps its lists; what it does is seen by the REST API and the other way round."""

from __future__ import annotations

import datetime as dt
from typing import Any

import caldav
import pytest
from caldav.lib import error

from tests.support.accounts import signup
from tests.support.live import Server, call


def account(
    server: Server, email: str = "ann@example.com", scopes: list[str] | None = None
) -> tuple[str, str]:
    """A signed-up account's login token, and an app password (a personal access token)."""
    jwt = signup(server, email)["access_token"]
    body: dict[str, Any] = {"name": "Tasks.org", **({"scopes": scopes} if scopes else {})}
    made = call("POST", f"{server.base}/api/auth/tokens", body, jwt)
    assert made.status == 201, made.body
    return jwt, str(made.body["token"])


def rest(server: Server, jwt: str, method: str, path: str, body: Any = None) -> Any:
    reply = call(method, f"{server.base}{path}", body, jwt)
    assert reply.status < 300, reply.body
    return reply.body


def summaries(objects: Any) -> list[str]:
    return sorted(str(each.icalendar_component["SUMMARY"]) for each in objects)


def test_a_task_app_finds_its_lists_and_keeps_tasks_in_sync(server: Server) -> None:
    jwt, password = account(server)
    rest(server, jwt, "POST", "/api/tasks", {"title": "Made on the page", "tags": ["home"]})
    # The app is given the server's address only: it finds the rest (RFC 6764 well-known).
    with caldav.DAVClient(url=f"{server.base}/", username="Ann@Example.com", password=password) as client:
        principal = client.principal()
        (inbox,) = principal.calendars()
        assert inbox.get_display_name() == "Inbox"
        assert summaries(inbox.todos()) == ["Made on the page"]

        due = dt.datetime(2030, 12, 2, 9, 0, tzinfo=dt.UTC)
        made = inbox.save_todo(summary="Call the bank", due=due, categories=["Money"], priority=1)
        (task,) = [t for t in rest(server, jwt, "GET", "/api/tasks") if t["title"] == "Call the bank"]
        assert (task["due_date"], task["tags"], task["priority"]) == (
            "2030-12-02T09:00:00Z",
            ["money"],
            "high",
        )

        made.complete()
        assert rest(server, jwt, "GET", f"/api/tasks/{task['id']}")["completed"] is True
        assert summaries(inbox.todos()) == ["Made on the page"]  # open tasks only
        assert "Call the bank" in summaries(inbox.todos(include_completed=True))
        state = inbox.objects_by_sync_token(load_objects=True)
        assert summaries(state) == ["Call the bank", "Made on the page"]

        # Changes made elsewhere reach the app on its next sync: an edit and a deletion.
        page_task = next(
            t for t in rest(server, jwt, "GET", "/api/tasks") if t["title"] == "Made on the page"
        )
        rest(server, jwt, "PATCH", f"/api/tasks/{page_task['id']}", {"title": "Edited on the page"})
        rest(server, jwt, "DELETE", f"/api/tasks/{task['id']}")
        updated, deleted = state.sync()
        assert summaries(updated) == ["Edited on the page"]
        assert [str(url).rsplit("/", 1)[1] for url in deleted] == [f"{task['uid']}.ics"]
        assert summaries(state) == ["Edited on the page"]
        assert state.sync() == ([], [])


def test_completing_a_recurring_task_brings_its_next_occurrence(server: Server) -> None:
    _, password = account(server)
    with caldav.DAVClient(url=f"{server.base}/dav/", username="ann@example.com", password=password) as client:
        (inbox,) = client.principal().calendars()
        due = dt.datetime(2030, 12, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
        gym = inbox.save_todo(summary="Gym", due=due, rrule={"FREQ": "WEEKLY", "BYDAY": "MO"})
        state = inbox.objects_by_sync_token(load_objects=True)
        gym.complete()
        updated, _ = state.sync()
        by_due = sorted(
            (each.icalendar_component["DUE"].dt, str(each.icalendar_component["STATUS"])) for each in updated
        )
        assert by_due == [(due, "COMPLETED"), (due + dt.timedelta(days=7), "NEEDS-ACTION")]


def test_the_app_makes_renames_and_deletes_lists(server: Server) -> None:
    jwt, password = account(server)
    with caldav.DAVClient(url=f"{server.base}/dav/", username="ann@example.com", password=password) as client:
        principal = client.principal()
        groceries = principal.make_calendar(name="Groceries", cal_id="groceries-1b2c")
        groceries.save_todo(summary="Eggs")
        groceries.set_properties([caldav.elements.dav.DisplayName("Shopping")])
        names = sorted(each["name"] for each in rest(server, jwt, "GET", "/api/lists"))
        assert names == ["Inbox", "Shopping"]
        assert sorted(c.get_display_name() for c in principal.calendars()) == ["Inbox", "Shopping"]
        groceries.delete()
        assert [each["name"] for each in rest(server, jwt, "GET", "/api/lists")] == ["Inbox"]
        assert rest(server, jwt, "GET", "/api/tasks") == []


def test_a_read_only_app_password_cannot_change_anything(server: Server) -> None:
    jwt, password = account(server, scopes=["tasks:read"])
    rest(server, jwt, "POST", "/api/tasks", {"title": "Look, don't touch"})
    with caldav.DAVClient(url=f"{server.base}/dav/", username="ann@example.com", password=password) as client:
        (inbox,) = client.principal().calendars()
        (task,) = inbox.todos()
        with pytest.raises(error.AuthorizationError):
            inbox.save_todo(summary="Sneaky")
        with pytest.raises(error.AuthorizationError):
            task.complete()
    assert [t["title"] for t in rest(server, jwt, "GET", "/api/tasks")] == ["Look, don't touch"]


def test_the_account_password_and_another_users_calendars_are_refused(server: Server) -> None:
    _, password = account(server)
    _, bob_password = account(server, "bob@example.com")
    url = f"{server.base}/dav/"
    refused = caldav.DAVClient(url=url, username="ann@example.com", password="correct horse battery")
    with refused, pytest.raises(error.AuthorizationError):
        refused.principal()
    with caldav.DAVClient(url=f"{server.base}/dav/", username="ann@example.com", password=password) as ann:
        (ann_inbox,) = ann.principal().calendars()
    bob = caldav.DAVClient(url=f"{server.base}/dav/", username="bob@example.com", password=bob_password)
    with bob, pytest.raises(error.NotFoundError):
        bob.calendar(url=str(ann_inbox.url)).todos()
