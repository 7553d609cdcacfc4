"""Recurring tasks and reminders through the app, on every database: rule and reminder
validation (nothing written when refused), the next occurrence made once per completed one by
every route (complete, PATCH, PUT, batch; reopened and completed again), local time kept across
daylight-saving changes in the task's or the user's zone, COUNT and UNTIL, late completions,
reminders armed, moved and disarmed by edits, and one user never reaching another's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from models import Task, database_proxy
from tests.support.accounts import auth, signup

Headers = dict[str, str]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def new_task(client: TestClient, headers: Headers, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = ok(
        client.post("/api/tasks", json={"title": "Water the plants", **fields}, headers=headers), 201
    )
    return body


def tasks(client: TestClient, headers: Headers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get("/api/tasks?sort=created_at", headers=headers))
    return found


def reminders(
    client: TestClient, headers: Headers, before: str = "2100-01-01T00:00:00Z"
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(client.get(f"/api/reminders?before={before}", headers=headers))
    return found


def soon(**delta: float) -> str:
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(**delta)
    return moment.isoformat().replace("+00:00", "Z")


def error_at(response: Any) -> tuple[int, list[str | int]]:
    body = response.json()
    return response.status_code, body["detail"][0]["loc"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"recurrence": "FREQ=HOURLY", "due_date": "2030-12-02T09:00:00Z"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;BYDAY=XX", "due_date": "2030-12-02T09:00:00Z"}, "recurrence"),
        (
            {"recurrence": "FREQ=DAILY;COUNT=2;UNTIL=20310101", "due_date": "2030-12-02T09:00:00Z"},
            "recurrence",
        ),
        (
            {"recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "due_date": "2030-12-02T09:00:00Z"},
            "recurrence",
        ),
        ({"recurrence": "FREQ=DAILY;WKST=MO", "due_date": "2030-12-02T09:00:00Z"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY"}, "recurrence"),  # no due date to repeat from
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "localtime"}, "time_zone"),  # the machine's own zone, which zoneinfo lists
        ({"time_zone": "Factory"}, "time_zone"),  # IANA's placeholder for a zone not set
        ({"reminders": [{"before": "PT15M"}]}, "reminders"),  # nothing to count back from
        ({"reminders": [{"before": "P31D"}], "due_date": "2030-12-02T09:00:00Z"}, "reminders"),
        ({"reminders": [{"before": "PT5M", "at": "2030-12-02T09:00:00Z"}]}, "reminders"),
        ({"reminders": [{"at": "2030-12-02T09:00:00Z"}] * 6}, "reminders"),
    ],
)
def test_bad_rules_zones_and_reminders_are_refused_and_change_nothing(
    client: TestClient, ann_auth: Headers, fields: dict[str, Any], field: str
) -> None:
    status, loc = error_at(client.post("/api/tasks", json={"title": "x", **fields}, headers=ann_auth))
    assert (status, loc[:2]) == (422, ["body", field])
    task = new_task(client, ann_auth)
    status, loc = error_at(client.patch(f"/api/tasks/{task['id']}", json=fields, headers=ann_auth))
    assert (status, loc[:2]) == (422, ["body", field])
    assert tasks(client, ann_auth) == [task]
    assert reminders(client, ann_auth) == []


# Rules that never occur from a Thursday (2026-01-01): dateutil searched each up to the year
# 9999 (0.3 to 0.6 s of CPU, on the event loop) before the search was bounded.
NEVER_FROM_A_THURSDAY = (
    "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # a Monday every 7 days from a Thursday
    "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=31;BYSETPOS=1",  # a first Monday is never the 31st
    "FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1",  # nor a fifth Monday the 1st
    "FREQ=YEARLY;BYDAY=MO;BYSETPOS=366",  # no year has 366 Mondays
)


@pytest.mark.parametrize("rule", NEVER_FROM_A_THURSDAY)
def test_a_rule_whose_next_occurrence_cannot_be_found_is_refused_by_every_route(
    client: TestClient, ann_auth: Headers, rule: str
) -> None:
    thursday = "2026-01-01T09:00:00Z"
    fields = {"due_date": thursday, "recurrence": rule}
    refused = client.post("/api/tasks", json={"title": "x", **fields}, headers=ann_auth)
    assert (refused.status_code, refused.json()["detail"][0]["loc"]) == (422, ["body", "recurrence"])
    assert refused.json()["detail"][0]["type"] == "recurrence_not_found"
    task = new_task(client, ann_auth, due_date=thursday)
    assert error_at(client.patch(f"/api/tasks/{task['id']}", json=fields, headers=ann_auth)) == (
        422,
        ["body", "recurrence"],
    )
    assert (
        error_at(client.put(f"/api/tasks/{task['id']}", json={"title": "x", **fields}, headers=ann_auth))[0]
        == 422
    )
    batch = {"operations": [{"op": "create", "task": {"title": "x", **fields}}]}
    (result,) = ok(client.post("/api/batch", json=batch, headers=ann_auth))["results"]
    assert (result["status"], result["detail"][0]["loc"]) == (422, ["body", "recurrence"])
    assert tasks(client, ann_auth) == [task]


def test_whether_a_rule_occurs_is_asked_from_the_tasks_due_date_and_zone(
    client: TestClient, ann_auth: Headers
) -> None:
    """A Monday every 7 days is a fine rule from a Monday: moving the due date to a Thursday,
    or the zone to one where that moment is a Sunday, is what is refused."""
    monday = new_task(
        client, ann_auth, due_date="2030-12-02T01:00:00Z", recurrence="FREQ=DAILY;INTERVAL=7;BYDAY=MO"
    )
    for change in ({"due_date": "2030-12-05T01:00:00Z"}, {"time_zone": "America/New_York"}):
        assert error_at(client.patch(f"/api/tasks/{monday['id']}", json=change, headers=ann_auth)) == (
            422,
            ["body", "recurrence"],
        )
    assert tasks(client, ann_auth) == [monday]
    ok(client.patch(f"/api/tasks/{monday['id']}/complete", headers=ann_auth))
    assert tasks(client, ann_auth)[1]["due_date"] == "2030-12-09T01:00:00Z"
    # Used up by UNTIL before it ever occurs is not "cannot be found": the series just ends.
    ended = new_task(
        client,
        ann_auth,
        due_date="2030-12-05T01:00:00Z",
        recurrence="FREQ=DAILY;INTERVAL=7;BYDAY=MO;UNTIL=20310101",
    )
    ok(client.patch(f"/api/tasks/{ended['id']}/complete", headers=ann_auth))
    assert len(tasks(client, ann_auth)) == 3


def test_a_stored_rule_whose_next_occurrence_cannot_be_found_ends_the_series(
    client: TestClient, ann_auth: Headers
) -> None:
    """A task stored before the search was bounded (here: written to the database as it would
    have been) completes, and its series ends instead of searching to the year 9999."""
    task = new_task(
        client, ann_auth, due_date="2030-12-02T09:00:00Z", recurrence="FREQ=DAILY;INTERVAL=7;BYDAY=MO"
    )
    with database_proxy.obj.connection_context():
        Task.update(due_date=dt.datetime(2030, 12, 5, 9)).where(Task.id == task["id"]).execute()
    done = ok(client.patch(f"/api/tasks/{task['id']}/complete", headers=ann_auth))
    assert done["completed"] is True
    assert [each["id"] for each in tasks(client, ann_auth)] == [task["id"]]


def test_by_day_with_plain_and_ordinal_days_takes_both(client: TestClient, ann_auth: Headers) -> None:
    """RFC 5545: BYDAY=MO,1FR in a monthly rule is every Monday and the first Friday (dateutil
    kept only the days that were both, none, and the series ended)."""
    task = new_task(client, ann_auth, due_date="2030-12-02T09:00:00Z", recurrence="FREQ=MONTHLY;BYDAY=MO,1FR")
    ok(client.patch(f"/api/tasks/{task['id']}/complete", headers=ann_auth))
    assert tasks(client, ann_auth)[1]["due_date"] == "2030-12-06T09:00:00Z"  # the first Friday
    # An ordinal past the fifth counts in a month when BYMONTH is given: it names no day.
    status, loc = error_at(
        client.post(
            "/api/tasks",
            json={
                "title": "x",
                "due_date": "2030-12-02T09:00:00Z",
                "recurrence": "FREQ=YEARLY;BYDAY=20TU;BYMONTH=7",
            },
            headers=ann_auth,
        )
    )
    assert (status, loc) == (422, ["body", "recurrence"])


def test_completing_an_occurrence_makes_the_next_once_by_every_route(
    client: TestClient, ann_auth: Headers
) -> None:
    made = new_task(
        client,
        ann_auth,
        title="Team meeting",
        description="Room 4",
        priority="high",
        tags=["work"],
        due_date="2030-12-02T09:00:00Z",  # a Monday
        recurrence="rrule:freq=weekly;byday=mo,we",
        time_zone="UTC",
        reminders=[{"before": "PT15M"}, {"at": "2030-12-02T08:00:00Z"}],
    )
    assert made["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,WE" and made["series_id"] == made["id"]
    done = ok(client.patch(f"/api/tasks/{made['id']}/complete", headers=ann_auth))
    assert done["completed"] is True
    first, second = tasks(client, ann_auth)
    assert first["id"] == made["id"] and second["completed"] is False
    assert second["due_date"] == "2030-12-04T09:00:00Z"  # the Wednesday after
    for name in (
        "title",
        "description",
        "priority",
        "tags",
        "recurrence",
        "time_zone",
        "list_id",
        "parent_id",
    ):
        assert second[name] == made[name], name
    assert second["series_id"] == made["id"]
    assert second["reminders"] == [{"before": "PT15M"}, {"at": "2030-12-04T08:00:00Z"}]  # moved with the date
    # Reopened and completed again, by each route in turn: no second successor.
    for body in ({"completed": False}, {"completed": True}):
        ok(client.patch(f"/api/tasks/{made['id']}", json=body, headers=ann_auth))
    ok(
        client.put(
            f"/api/tasks/{made['id']}", json={"title": "Team meeting", "completed": False}, headers=ann_auth
        )
    )
    ok(
        client.put(
            f"/api/tasks/{made['id']}", json={"title": "Team meeting", "completed": True}, headers=ann_auth
        )
    )
    batch = {"operations": [{"op": "update", "id": made["id"], "task": {"completed": False}}]}
    ok(client.post("/api/batch", json=batch, headers=ann_auth))
    batch = {"operations": [{"op": "complete", "id": made["id"], "completed": True}]}
    ok(client.post("/api/batch", json=batch, headers=ann_auth))
    assert [task["id"] for task in tasks(client, ann_auth)] == [made["id"], second["id"]]
    # The next one, completed through a batch, makes the one after (the next Monday).
    ok(
        client.post(
            "/api/batch",
            json={"operations": [{"op": "complete", "id": second["id"], "completed": True}]},
            headers=ann_auth,
        )
    )
    third = tasks(client, ann_auth)[2]
    assert (third["due_date"], third["series_id"]) == ("2030-12-09T09:00:00Z", made["id"])
    changes = ok(client.get("/api/changes", headers=ann_auth))["changes"]
    assert {change["id"] for change in changes if change["kind"] == "task"} == {
        made["id"],
        second["id"],
        third["id"],
    }


def test_occurrences_keep_their_local_time_across_daylight_saving(
    client: TestClient, ann_auth: Headers
) -> None:
    assert ok(client.patch("/api/auth/me", json={"time_zone": "America/New_York"}, headers=ann_auth))[
        "time_zone"
    ] == ("America/New_York")
    assert ok(client.get("/api/auth/me", headers=ann_auth))["time_zone"] == "America/New_York"
    # 09:00 in New York on Saturday 9 March 2030 (EST, UTC-5); clocks go forward on the 10th.
    daily = new_task(client, ann_auth, due_date="2030-03-09T14:00:00Z", recurrence="FREQ=DAILY")
    assert daily["time_zone"] == "America/New_York"  # the user's, taken when it was made
    ok(client.patch(f"/api/tasks/{daily['id']}/complete", headers=ann_auth))
    assert tasks(client, ann_auth)[1]["due_date"] == "2030-03-10T13:00:00Z"  # 09:00 EDT, UTC-4
    # The task's own zone wins over the user's: 08:30 in Paris, before and after 31 March 2030.
    paris = new_task(
        client, ann_auth, due_date="2030-03-30T07:30:00Z", recurrence="FREQ=DAILY", time_zone="Europe/Paris"
    )
    ok(client.patch(f"/api/tasks/{paris['id']}/complete", headers=ann_auth))
    assert tasks(client, ann_auth)[3]["due_date"] == "2030-03-31T06:30:00Z"  # 08:30 CEST, UTC+2
    for name in ("Nowhere", "localtime", "Factory", "posixrules"):
        status, loc = error_at(client.patch("/api/auth/me", json={"time_zone": name}, headers=ann_auth))
        assert (status, loc) == (422, ["body", "time_zone"]), name
    assert ok(client.patch("/api/auth/me", json={"time_zone": "US/Eastern"}, headers=ann_auth))[
        "time_zone"
    ] == (
        "US/Eastern"  # an IANA link, as valid as the zone it names
    )


def test_count_and_until_end_a_series(client: TestClient, ann_auth: Headers) -> None:
    counted = new_task(client, ann_auth, due_date="2030-12-02T09:00:00Z", recurrence="FREQ=DAILY;COUNT=2")
    ok(client.patch(f"/api/tasks/{counted['id']}/complete", headers=ann_auth))
    (_, last) = tasks(client, ann_auth)
    assert last["due_date"] == "2030-12-03T09:00:00Z"
    ok(client.patch(f"/api/tasks/{last['id']}/complete", headers=ann_auth))
    assert len(tasks(client, ann_auth)) == 2  # the second of two: none after it
    ending = new_task(
        client, ann_auth, due_date="2030-12-30T09:00:00Z", recurrence="FREQ=DAILY;UNTIL=20301231"
    )
    ok(client.patch(f"/api/tasks/{ending['id']}/complete", headers=ann_auth))
    assert tasks(client, ann_auth)[3]["due_date"] == "2030-12-31T09:00:00Z"  # a date UNTIL includes its day
    ok(client.patch(f"/api/tasks/{tasks(client, ann_auth)[3]['id']}/complete", headers=ann_auth))
    assert len(tasks(client, ann_auth)) == 4


def test_a_late_completion_skips_to_the_first_occurrence_after_it(
    client: TestClient, ann_auth: Headers
) -> None:
    due = dt.datetime.now(dt.UTC).replace(microsecond=0, second=0, minute=0) - dt.timedelta(days=10)
    late = new_task(
        client, ann_auth, due_date=due.isoformat().replace("+00:00", "Z"), recurrence="FREQ=DAILY"
    )
    ok(client.patch(f"/api/tasks/{late['id']}/complete", headers=ann_auth))
    following = dt.datetime.fromisoformat(tasks(client, ann_auth)[1]["due_date"])
    now = dt.datetime.now(dt.UTC)
    assert now < following <= now + dt.timedelta(days=1)
    assert (following - due) % dt.timedelta(days=1) == dt.timedelta(0)  # on the rule's days


def test_reminders_are_armed_moved_and_disarmed(client: TestClient, ann_auth: Headers) -> None:
    task = new_task(
        client, ann_auth, due_date=soon(days=2), reminders=[{"before": "PT1H"}, {"at": soon(days=1)}]
    )
    armed = reminders(client, ann_auth)
    assert [(r["task_id"], r["reminder"]) for r in armed] == [
        (task["id"], {"at": task["reminders"][1]["at"]}),
        (task["id"], {"before": "PT1H"}),
    ]
    assert armed[1]["fire_at"] == (
        dt.datetime.fromisoformat(task["due_date"]) - dt.timedelta(hours=1)
    ).isoformat().replace("+00:00", "Z")
    assert reminders(client, ann_auth, before=soon(hours=30)) == armed[:1]
    moved = ok(client.patch(f"/api/tasks/{task['id']}", json={"due_date": soon(days=3)}, headers=ann_auth))
    assert [r["fire_at"] for r in reminders(client, ann_auth)][1] != armed[1]["fire_at"]
    ok(client.patch(f"/api/tasks/{task['id']}/complete", headers=ann_auth))
    assert reminders(client, ann_auth) == []  # completing disarms
    ok(client.patch(f"/api/tasks/{task['id']}/complete", headers=ann_auth))
    assert len(reminders(client, ann_auth)) == 2  # reopening arms those still ahead
    earlier = soon(hours=-1)
    past = ok(
        client.patch(f"/api/tasks/{task['id']}", json={"reminders": [{"at": earlier}]}, headers=ann_auth)
    )
    assert past["reminders"] == [{"at": earlier}]
    assert reminders(client, ann_auth) == []  # a time already past is kept, not armed
    ok(client.patch(f"/api/tasks/{task['id']}", json={"reminders": [{"before": "PT10M"}]}, headers=ann_auth))
    assert len(reminders(client, ann_auth)) == 1
    ok(client.delete(f"/api/tasks/{task['id']}", headers=ann_auth), 204)
    assert reminders(client, ann_auth) == [] and moved["id"] == task["id"]
    assert error_at(client.get("/api/reminders", headers=ann_auth))[0] == 422  # before= is required


def test_one_user_never_reaches_anothers_reminders_or_series(client: TestClient, ann_auth: Headers) -> None:
    bob_auth = auth(signup(client, "bob@example.com")["access_token"])
    mine = new_task(
        client, ann_auth, due_date=soon(days=1), recurrence="FREQ=DAILY", reminders=[{"before": "PT5M"}]
    )
    assert reminders(client, bob_auth) == []
    assert client.patch(f"/api/tasks/{mine['id']}/complete", headers=bob_auth).status_code == 404
    assert (
        client.patch(f"/api/tasks/{mine['id']}", json={"reminders": []}, headers=bob_auth).status_code == 404
    )
    assert len(reminders(client, ann_auth)) == 1 and tasks(client, bob_auth) == []
    me = ok(client.get("/api/auth/me", headers=ann_auth))
    assert (
        client.get(f"/api/{me['id']}/reminders?before=2100-01-01T00:00:00Z", headers=bob_auth).status_code
        == 403
    )
