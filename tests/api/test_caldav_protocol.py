"""CalDAV as raw WebDAV requests through the app, on every database: what a client library
hides (discovery answers, status codes, precondition elements, headers), the property mapping
both ways, sync-collection with deletions and moves, and the refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from starlette.testclient import TestClient

from domain.cursors import Cursors, Position
from models import User, database_proxy
from settings import Settings
from tests.support.dav import (
    CS,
    ICAL,
    C,
    D,
    DavUser,
    alarm,
    basic,
    dav_user,
    error_condition,
    ics,
    multistatus,
    propfind,
    read_ics,
    vtodo,
)

C_DATA = f"{{{C}}}calendar-data"
SYNC = (
    '<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level>'
    "<d:prop><d:getetag/></d:prop></d:sync-collection>"
)
ETAG = f"{{{D}}}getetag"


@pytest.fixture
def dav_ann(client: TestClient) -> DavUser:
    """Ann as a CalDAV app signs in: her email and an app password."""
    return dav_user(client)


def tasks_of(user: DavUser) -> list[dict[str, object]]:
    found: list[dict[str, object]] = user.rest("GET", "/api/tasks?sort=created_at")
    return found


# Discovery and authentication


def test_discovery_from_the_well_known_url_to_the_calendars(dav_ann: DavUser) -> None:
    moved = dav_ann.client.request("PROPFIND", "/.well-known/caldav", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, "/dav/")
    root = propfind(dav_ann, "/dav/", [f"{{{D}}}current-user-principal"])
    principal = root["/dav/"][200][f"{{{D}}}current-user-principal"].findtext(f"{{{D}}}href")
    assert principal == f"/dav/principals/{dav_ann.id}/"
    found = propfind(dav_ann, principal, [f"{{{C}}}calendar-home-set", f"{{{C}}}calendar-user-address-set"])
    props = found[principal][200]
    assert props[f"{{{C}}}calendar-home-set"].findtext(f"{{{D}}}href") == dav_ann.home
    assert props[f"{{{C}}}calendar-user-address-set"].findtext(f"{{{D}}}href") == f"mailto:{dav_ann.email}"
    options = dav_ann.client.request("OPTIONS", dav_ann.home)
    assert options.headers["dav"] == "1, 3, calendar-access"
    assert {"PROPFIND", "REPORT", "MKCALENDAR", "PUT"} <= set(
        options.headers["allow"].replace(" ", "").split(",")
    )


def test_a_home_lists_one_task_calendar_per_list(dav_ann: DavUser) -> None:
    work = dav_ann.rest("POST", "/api/lists", {"name": "Work", "color": "blue"})
    props = [
        f"{{{D}}}resourcetype", f"{{{D}}}displayname", f"{{{ICAL}}}calendar-color",
        f"{{{C}}}supported-calendar-component-set", f"{{{CS}}}getctag", f"{{{D}}}sync-token",
        f"{{{D}}}current-user-privilege-set",
    ]  # fmt: skip
    found = propfind(dav_ann, dav_ann.home, props, depth="1")
    inbox, listed = found[dav_ann.calendar(dav_ann.inbox_id())], found[dav_ann.calendar(work["id"])]
    assert listed[200][f"{{{D}}}displayname"].text == "Work"
    assert listed[200][f"{{{ICAL}}}calendar-color"].text == "#2F6FDEFF"
    assert f"{{{ICAL}}}calendar-color" in inbox[404]  # the Inbox has no color
    kinds = [child.tag for child in listed[200][f"{{{D}}}resourcetype"]]
    assert kinds == [f"{{{D}}}collection", f"{{{C}}}calendar"]
    comps = [comp.get("name") for comp in listed[200][f"{{{C}}}supported-calendar-component-set"]]
    assert comps == ["VTODO"]
    privileges = {p[0].tag for p in listed[200][f"{{{D}}}current-user-privilege-set"]}
    assert {f"{{{D}}}read", f"{{{D}}}write"} <= privileges


def test_the_ctag_and_sync_token_move_with_every_change_of_the_list_or_its_tasks(dav_ann: DavUser) -> None:
    work, home = (
        dav_ann.rest("POST", "/api/lists", {"name": "Work"}),
        dav_ann.rest("POST", "/api/lists", {"name": "Home"}),
    )

    def tags(list_id: int) -> tuple[str, str]:
        props = propfind(dav_ann, dav_ann.calendar(list_id), [f"{{{CS}}}getctag", f"{{{D}}}sync-token"])
        found = props[dav_ann.calendar(list_id)][200]
        return found[f"{{{CS}}}getctag"].text, found[f"{{{D}}}sync-token"].text

    before = tags(work["id"]), tags(home["id"])
    assert tags(work["id"]) == before[0]  # the same while nothing changes
    task = dav_ann.rest("POST", "/api/tasks", {"title": "Report", "list_id": work["id"]})
    after_create = tags(work["id"])
    assert after_create != before[0] and tags(home["id"]) == before[1]  # only the list that changed
    dav_ann.rest("PATCH", f"/api/tasks/{task['id']}", {"title": "Quarterly report"})
    after_edit = tags(work["id"])
    assert after_edit != after_create
    dav_ann.rest("POST", f"/api/tasks/{task['id']}/move", {"list_id": home["id"]})
    assert tags(work["id"]) != after_edit and tags(home["id"]) != before[1]


def test_basic_auth_takes_the_email_in_any_case_and_an_app_password_never_the_password(
    dav_ann: DavUser,
) -> None:
    assert propfind(dav_ann, "/dav/", [f"{{{D}}}current-user-principal"])
    shouted = dav_ann.client.request("PROPFIND", "/dav/", headers=basic(dav_ann.email.upper(), dav_ann.token))
    assert shouted.status_code == 207
    for headers in (
        basic(dav_ann.email, "correct horse battery"),  # the account password
        basic("bob@example.com", dav_ann.token),  # another email
        basic(dav_ann.email, dav_ann.token + "x"),
        {},
    ):
        refused = dav_ann.client.request("PROPFIND", "/dav/", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith('Basic realm="todo-api"')
    bearer = dav_ann.client.request("PROPFIND", "/dav/", headers={"Authorization": f"Bearer {dav_ann.jwt}"})
    assert bearer.status_code == 207


def test_a_read_only_token_reads_and_every_write_is_refused(client: TestClient) -> None:
    reader = dav_user(client, scopes=["tasks:read"])
    inbox = reader.inbox_id()
    found = propfind(reader, reader.calendar(inbox), [f"{{{D}}}current-user-privilege-set"])
    privileges = {p[0].tag for p in found[reader.calendar(inbox)][200][f"{{{D}}}current-user-privilege-set"]}
    assert f"{{{D}}}read" in privileges and f"{{{D}}}write" not in privileges
    put = reader.put(inbox, "a.ics", ics(vtodo("a")))
    assert put.status_code == 403 and f"{{{D}}}need-privileges" in error_condition(put)
    assert reader.request("MKCALENDAR", reader.calendar("new")).status_code == 403
    assert reader.request("DELETE", reader.calendar(inbox)).status_code == 403
    assert tasks_of(reader) == []


def test_another_users_paths_are_not_found(client: TestClient) -> None:
    dav_ann, bob = dav_user(client), dav_user(client, "bob@example.com")
    dav_ann.put(dav_ann.inbox_id(), "secret.ics", ics(vtodo("secret", "Ann's secret")))
    for path in (
        f"/dav/principals/{dav_ann.id}/",
        dav_ann.home,
        dav_ann.calendar(dav_ann.inbox_id()),
        f"{dav_ann.calendar(dav_ann.inbox_id())}secret.ics",
    ):
        assert bob.request("PROPFIND", path, depth="0").status_code == 404
        assert bob.request("GET", path).status_code in (404, 405)
    assert bob.put(dav_ann.inbox_id(), "x.ics", ics(vtodo("x"))).status_code == 404
    # Bob's own Inbox has another id: Ann's list id in Bob's home names nothing of his.
    assert bob.request("PROPFIND", bob.calendar(dav_ann.inbox_id()), depth="0").status_code == 404


# Objects: PUT, GET, DELETE, preconditions


def test_put_creates_and_replaces_with_preconditions_and_etags(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    path = f"{dav_ann.calendar(inbox)}milk.ics"
    made = dav_ann.put(inbox, "milk.ics", ics(vtodo("uid-milk", "Buy milk")), if_none_match="*")
    assert made.status_code == 201 and "etag" not in made.headers  # stored text differs from the body
    got = dav_ann.request("GET", path)
    assert got.headers["content-type"].startswith("text/calendar")
    etag = got.headers["etag"]
    (task,) = tasks_of(dav_ann)
    assert (
        task["uid"] == "uid-milk"
        and etag
        == dav_ann.client.get(
            f"/api/tasks/{task['id']}", headers={"Authorization": f"Bearer {dav_ann.jwt}"}
        ).headers["etag"]
    )
    again = dav_ann.put(inbox, "milk.ics", ics(vtodo("uid-milk", "Buy oat milk")), if_none_match="*")
    assert again.status_code == 412
    replaced = dav_ann.put(inbox, "milk.ics", ics(vtodo("uid-milk", "Buy oat milk")), if_match=etag)
    assert replaced.status_code == 204
    stale = dav_ann.put(inbox, "milk.ics", ics(vtodo("uid-milk", "Buy soy milk")), if_match=etag)
    assert stale.status_code == 412
    assert [t["title"] for t in tasks_of(dav_ann)] == ["Buy oat milk"]
    assert (
        dav_ann.request("GET", path, if_none_match=dav_ann.request("GET", path).headers["etag"]).status_code
        == 304
    )
    # The server's own text sent back unchanged is stored byte for byte: the ETag comes back.
    current = dav_ann.request("GET", path)
    same = dav_ann.put(inbox, "milk.ics", current.content, if_match=current.headers["etag"])
    assert same.status_code == 204 and same.headers["etag"] == current.headers["etag"]
    assert dav_ann.request("DELETE", path, if_match='"1.0"').status_code == 412
    assert dav_ann.request("DELETE", path, if_match=current.headers["etag"]).status_code == 204
    assert dav_ann.request("GET", path).status_code == 404 and tasks_of(dav_ann) == []


def test_a_task_made_elsewhere_is_its_uid_dot_ics(dav_ann: DavUser) -> None:
    task = dav_ann.rest("POST", "/api/tasks", {"title": "From the page"})
    assert len(task["uid"]) == 36
    todo = read_ics(dav_ann.request("GET", f"{dav_ann.calendar(dav_ann.inbox_id())}{task['uid']}.ics"))
    assert (str(todo["UID"]), str(todo["SUMMARY"])) == (task["uid"], "From the page")


def test_the_mapping_both_ways(dav_ann: DavUser) -> None:
    """Each modelled property read into the task's fields, and written back from them."""
    inbox = dav_ann.inbox_id()
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    body = ics(
        vtodo(
            "uid-map",
            "Pay rent",
            description="Line 1\nLine 2",
            priority=2,
            due=dt.datetime(2026, 12, 1, 9, 0, tzinfo=paris),
            categories=["Home", "Money"],
            rrule={"FREQ": "MONTHLY", "BYMONTHDAY": 1},
            status="IN-PROCESS",
            x_apple_sort_order="42",
            percent_complete=30,
            geo=(48.85, 2.35),
        ),
    )
    todo_component = vtodo("uid-map2", "with alarms", due=dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC))
    todo_component.add_component(alarm(dt.timedelta(minutes=-15), RELATED="END"))
    todo_component.add_component(alarm(dt.timedelta(hours=-1)))  # no DTSTART: before DUE
    todo_component.add_component(alarm(dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)))
    assert dav_ann.put(inbox, "rent.ics", body).status_code == 201
    assert dav_ann.put(inbox, "alarms.ics", ics(todo_component)).status_code == 201
    rent, alarms = tasks_of(dav_ann)
    assert rent["title"] == "Pay rent" and rent["description"] == "Line 1\nLine 2"
    assert (rent["priority"], rent["tags"], rent["completed"]) == ("high", ["home", "money"], False)
    assert (rent["due_date"], rent["time_zone"]) == ("2026-12-01T08:00:00Z", "Europe/Paris")
    assert rent["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert alarms["reminders"] == [{"before": "PT15M"}, {"before": "PT1H"}, {"at": "2026-12-01T07:00:00Z"}]
    back = read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}rent.ics"))
    assert back["DUE"].params["TZID"] == "Europe/Paris" and back["DUE"].dt == dt.datetime(
        2026, 12, 1, 9, 0, tzinfo=paris
    )
    assert (int(back["PRIORITY"]), str(back["STATUS"])) == (1, "IN-PROCESS")  # kept while it agrees
    assert [str(c) for c in back["CATEGORIES"].cats] == ["home", "money"]
    assert (str(back["X-APPLE-SORT-ORDER"]), int(back["PERCENT-COMPLETE"])) == ("42", 30)
    assert back["GEO"].to_ical() == "48.85;2.35"
    calendar_text = dav_ann.request("GET", f"{dav_ann.calendar(inbox)}rent.ics").text
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in calendar_text
    triggers = [
        a["TRIGGER"]
        for a in read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}alarms.ics")).walk("VALARM")
    ]
    assert [(t.to_ical(), t.params.get("RELATED")) for t in triggers[:2]] == [
        (b"-PT15M", "END"),
        (b"-PT1H", "END"),
    ]
    # Completed elsewhere: STATUS follows, the kept IN-PROCESS gives way.
    dav_ann.rest("PATCH", f"/api/tasks/{rent['id']}/complete", {"completed": True})
    done = read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}rent.ics"))
    assert str(done["STATUS"]) == "COMPLETED" and "COMPLETED" in done


@pytest.mark.parametrize(
    ("zone", "day_end", "nine_local"),
    [
        ("America/New_York", "2026-12-02T04:59:59Z", "2026-12-01T14:00:00Z"),
        ("UTC", "2026-12-01T23:59:59Z", "2026-12-01T09:00:00Z"),  # the default zone
    ],
)
def test_a_date_due_is_that_days_end_for_the_user_and_comes_back_as_a_date(
    dav_ann: DavUser, zone: str, day_end: str, nine_local: str
) -> None:
    dav_ann.rest("PATCH", "/api/auth/me", {"time_zone": zone})
    inbox = dav_ann.inbox_id()
    dav_ann.put(inbox, "day.ics", ics(vtodo("day", "All day", due=dt.date(2026, 12, 1))))
    floating = vtodo("float", "Floating")
    floating.add("DUE", dt.datetime(2026, 12, 1, 9, 0))  # no zone: the user's
    dav_ann.put(inbox, "float.ics", ics(floating))
    day, float_task = tasks_of(dav_ann)
    assert (day["due_date"], day["time_zone"]) == (day_end, zone)
    assert float_task["due_date"] == nine_local
    back = read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}day.ics"))
    assert back["DUE"].dt == dt.date(2026, 12, 1)
    assert read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}float.ics"))["DUE"].dt.hour == 9


def test_a_subtask_by_related_to_and_a_parent_not_there_yet_kept(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    dav_ann.put(inbox, "parent.ics", ics(vtodo("parent", "Trip")))
    dav_ann.put(inbox, "child.ics", ics(vtodo("child", "Pack", related_to=("parent", {"RELTYPE": "PARENT"}))))
    orphan = vtodo("orphan", "Orphan", related_to="missing-parent")  # RELTYPE defaults to PARENT
    dav_ann.put(inbox, "orphan.ics", ics(orphan))
    parent, child, orphan_task = tasks_of(dav_ann)
    assert child["parent_id"] == parent["id"] and orphan_task["parent_id"] is None
    back = read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}child.ics"))
    assert str(back["RELATED-TO"]) == "parent" and back["RELATED-TO"].params["RELTYPE"] == "PARENT"
    assert (
        str(read_ics(dav_ann.request("GET", f"{dav_ann.calendar(inbox)}orphan.ics"))["RELATED-TO"])
        == "missing-parent"
    )
    # Completing the parent over CalDAV completes its subtask, as anywhere.
    done = vtodo("parent", "Trip", status="COMPLETED")
    assert dav_ann.put(inbox, "parent.ics", ics(done)).status_code == 204
    assert all(task["completed"] for task in tasks_of(dav_ann)[:2])


def test_completing_a_recurring_task_makes_its_next_occurrence_once(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    due = dt.datetime(2030, 12, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
    weekly = {"FREQ": "WEEKLY", "BYDAY": "MO"}
    dav_ann.put(inbox, "gym.ics", ics(vtodo("gym", "Gym", due=due, rrule=weekly)))
    for _ in range(2):  # the same completion sent twice (a retry): one successor
        assert (
            dav_ann.put(
                inbox, "gym.ics", ics(vtodo("gym", "Gym", due=due, rrule=weekly, status="COMPLETED"))
            ).status_code
            == 204
        )
    first, following = tasks_of(dav_ann)
    assert first["completed"] and not following["completed"]
    assert (following["due_date"], following["series_id"]) == ("2030-12-09T09:00:00Z", first["id"])
    hrefs = multistatus(dav_ann.request("PROPFIND", dav_ann.calendar(inbox), depth="1"))
    assert f"{dav_ann.calendar(inbox)}{following['uid']}.ics" in hrefs


def test_a_change_over_caldav_is_a_change_like_any_other(dav_ann: DavUser) -> None:
    feed = dav_ann.rest("GET", "/api/changes")
    dav_ann.put(dav_ann.inbox_id(), "t.ics", ics(vtodo("t", "Through CalDAV")))
    changes = dav_ann.rest("GET", f"/api/changes?since={feed['cursor']}")["changes"]
    assert [
        (c["kind"], c["task"]["title"] if c["task"] else None) for c in changes if c["kind"] == "task"
    ] == [("task", "Through CalDAV")]
    # An X- property alone changed is a change too: new version, a task.updated event.
    (task,) = tasks_of(dav_ann)
    dav_ann.put(dav_ann.inbox_id(), "t.ics", ics(vtodo("t", "Through CalDAV", x_mood="sunny")))
    (changed,) = tasks_of(dav_ann)
    assert changed["version"] == task["version"] + 1


# Refusals: the CalDAV answer, and nothing changes


@pytest.mark.parametrize(
    ("body", "status", "condition", "words"),
    [
        (b"not a calendar", 400, f"{{{C}}}valid-calendar-data", "not an iCalendar"),
        (None, 403, f"{{{C}}}supported-calendar-component", "VEVENT"),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            403,
            f"{{{C}}}supported-calendar-component",
            "no VTODO",
        ),
        ("two", 403, f"{{{C}}}valid-calendar-object-resource", "2 VTODOs"),
        ("override", 403, f"{{{C}}}valid-calendar-object-resource", "RECURRENCE-ID"),
        ("long", 403, f"{{{C}}}valid-calendar-data", "SUMMARY"),
        ("rrule", 403, f"{{{C}}}valid-calendar-data", "RRULE"),
        ("no-uid", 403, f"{{{C}}}valid-calendar-object-resource", "UID"),
    ],
)
def test_a_body_refused_gets_its_precondition_and_changes_nothing(
    dav_ann: DavUser, body: object, status: int, condition: str, words: str
) -> None:
    from icalendar import Event

    due = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    if body is None:
        event = Event()
        event.add("UID", "ev")
        event.add("DTSTART", due)
        body = ics(event)
    elif body == "two":
        body = ics(vtodo("a"), vtodo("b"))
    elif body == "override":
        body = ics(vtodo("r", due=due, rrule={"FREQ": "DAILY"}), vtodo("r", recurrence_id=due))
    elif body == "long":
        body = ics(vtodo("l", "x" * 300))
    elif body == "rrule":
        body = ics(vtodo("r", due=due, rrule={"FREQ": "HOURLY"}))
    elif body == "no-uid":
        body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nSUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    assert isinstance(body, bytes)
    refused = dav_ann.put(dav_ann.inbox_id(), "x.ics", body)
    assert refused.status_code == status, refused.text
    assert condition in error_condition(refused) and words in refused.text
    assert tasks_of(dav_ann) == []


def test_a_uid_another_task_has_is_a_conflict_naming_it(dav_ann: DavUser) -> None:
    work = dav_ann.rest("POST", "/api/lists", {"name": "Work"})
    dav_ann.put(work["id"], "first.ics", ics(vtodo("shared", "First")))
    refused = dav_ann.put(dav_ann.inbox_id(), "second.ics", ics(vtodo("shared", "Second")))
    assert refused.status_code == 409 and f"{{{C}}}no-uid-conflict" in error_condition(refused)
    assert f"{dav_ann.calendar(work['id'])}first.ics" in refused.text
    assert [t["title"] for t in tasks_of(dav_ann)] == ["First"]


def test_other_media_types_and_methods(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    wrong = dav_ann.request(
        "PUT", f"{dav_ann.calendar(inbox)}a.ics", ics(vtodo("a")), content_type="application/json"
    )
    assert wrong.status_code == 415 and f"{{{C}}}supported-calendar-data" in error_condition(wrong)
    assert dav_ann.request("LOCK", dav_ann.calendar(inbox)).status_code == 405
    report = dav_ann.request("REPORT", dav_ann.calendar(inbox), f'<c:free-busy-query xmlns:c="{C}"/>')
    assert report.status_code == 403 and f"{{{D}}}supported-report" in error_condition(report)
    long_name = dav_ann.put(inbox, "n" * 300 + ".ics", ics(vtodo("long-name")))
    assert long_name.status_code == 403 and tasks_of(dav_ann) == []


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
        '<d:propfind xmlns:d="DAV:"><d:prop>&lol3;</d:prop></d:propfind>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&xxe;</d:displayname></d:prop></d:propfind>',
        '<d:propfind xmlns:d="DAV:">' + "<d:prop>" * 100 + "</d:prop>" * 100 + "</d:propfind>",
        "<d:propfind xmlns:d='DAV:'><d:prop>",
    ],
    ids=["billion-laughs", "external-entity", "deep", "malformed"],
)
def test_hostile_xml_is_refused(dav_ann: DavUser, body: str) -> None:
    refused = dav_ann.request("PROPFIND", dav_ann.home, body, depth="0")
    assert refused.status_code == 400
    assert "root:" not in refused.text


def test_a_body_over_the_limit_is_refused_before_it_is_read(dav_ann: DavUser) -> None:
    huge = ics(vtodo("huge", "Huge", description="x" * 5_000_000))
    refused = dav_ann.put(dav_ann.inbox_id(), "huge.ics", huge)
    assert refused.status_code == 413 and tasks_of(dav_ann) == []
    # Past MAX_BODY_BYTES (64 KiB here), within what an XML body may be (1 MiB): a task still is not.
    large = ics(vtodo("large", "Large", description="x" * 100_000))
    assert dav_ann.put(dav_ann.inbox_id(), "large.ics", large).status_code == 413
    assert tasks_of(dav_ann) == []
    xml = '<d:propfind xmlns:d="DAV:"><d:prop>' + "<d:displayname/>" * 300_000 + "</d:prop></d:propfind>"
    assert dav_ann.request("PROPFIND", dav_ann.home, xml, depth="0").status_code == 413


# Collections: MKCALENDAR, PROPPATCH, DELETE


def test_mkcalendar_makes_a_list_reachable_where_the_client_chose(dav_ann: DavUser) -> None:
    body = (
        f'<c:mkcalendar xmlns:d="DAV:" xmlns:c="{C}" xmlns:ical="{ICAL}"><d:set><d:prop>'
        "<d:displayname>Groceries</d:displayname><ical:calendar-color>#2DA44EFF</ical:calendar-color>"
        '<c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set>'
        "</d:prop></d:set></c:mkcalendar>"
    )
    assert dav_ann.request("MKCALENDAR", dav_ann.calendar("groceries-7f3a"), body).status_code == 201
    assert dav_ann.request("MKCALENDAR", dav_ann.calendar("groceries-7f3a"), body).status_code == 405
    listed = [each for each in dav_ann.rest("GET", "/api/lists") if each["name"] == "Groceries"]
    assert [(each["color"]) for each in listed] == ["green"]
    assert dav_ann.put("groceries-7f3a", "eggs.ics", ics(vtodo("eggs", "Eggs"))).status_code == 201
    (task,) = tasks_of(dav_ann)
    assert task["list_id"] == listed[0]["id"]
    # A client's name for the same list twice gets a suffix; an all-digit URL is never a new one.
    assert dav_ann.request("MKCALENDAR", dav_ann.calendar("other"), body).status_code == 201
    assert "Groceries (2)" in [each["name"] for each in dav_ann.rest("GET", "/api/lists")]
    assert dav_ann.request("MKCALENDAR", dav_ann.calendar("12345"), body).status_code == 403
    events_only = body.replace('name="VTODO"', 'name="VEVENT"')
    refused = dav_ann.request("MKCALENDAR", dav_ann.calendar("events"), events_only)
    assert refused.status_code == 403 and f"{{{C}}}supported-calendar-component" in error_condition(refused)


def test_proppatch_renames_and_recolors_and_refuses_the_rest_whole(dav_ann: DavUser) -> None:
    work = dav_ann.rest("POST", "/api/lists", {"name": "Work"})
    path = dav_ann.calendar(work["id"])
    body = (
        f'<d:propertyupdate xmlns:d="DAV:" xmlns:ical="{ICAL}"><d:set><d:prop>'
        "<d:displayname>Office</d:displayname><ical:calendar-color>#FF0000</ical:calendar-color>"
        "</d:prop></d:set></d:propertyupdate>"
    )
    done = multistatus(dav_ann.request("PROPPATCH", path, body))[path]
    assert set(done[200]) == {f"{{{D}}}displayname", f"{{{ICAL}}}calendar-color"}
    assert (
        dav_ann.rest("GET", f"/api/lists/{work['id']}")["name"],
        dav_ann.rest("GET", f"/api/lists/{work['id']}")["color"],
    ) == ("Office", "red")
    mixed = body.replace("</d:prop>", "<d:getetag>x</d:getetag></d:prop>").replace("Office", "Bureau")
    refused = multistatus(dav_ann.request("PROPPATCH", path, mixed))[path]
    assert set(refused[403]) == {f"{{{D}}}getetag"}
    assert set(refused[424]) == {f"{{{D}}}displayname", f"{{{ICAL}}}calendar-color"}
    assert dav_ann.rest("GET", f"/api/lists/{work['id']}")["name"] == "Office"


def test_delete_a_calendar_with_its_tasks_and_never_the_inbox(dav_ann: DavUser) -> None:
    work = dav_ann.rest("POST", "/api/lists", {"name": "Work"})
    dav_ann.put(work["id"], "a.ics", ics(vtodo("a", "A")))
    assert dav_ann.request("DELETE", dav_ann.calendar(work["id"])).status_code == 204
    assert tasks_of(dav_ann) == [] and [each["name"] for each in dav_ann.rest("GET", "/api/lists")] == [
        "Inbox"
    ]
    assert dav_ann.request("DELETE", dav_ann.calendar(dav_ann.inbox_id())).status_code == 403


# Reports


def report(user: DavUser, calendar: int | str, body: str) -> dict[str, dict[str, object]]:
    return multistatus(user.request("REPORT", user.calendar(calendar), body, depth="1"))


def test_multiget_answers_each_href_and_404_for_the_unknown(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    dav_ann.put(inbox, "a.ics", ics(vtodo("a", "A")))
    hrefs = [f"{dav_ann.calendar(inbox)}a.ics", f"{dav_ann.calendar(inbox)}gone.ics"]
    body = (
        f'<c:calendar-multiget xmlns:d="DAV:" xmlns:c="{C}"><d:prop><d:getetag/><c:calendar-data/></d:prop>'
        + "".join(f"<d:href>{href}</d:href>" for href in hrefs)
        + "</c:calendar-multiget>"
    )
    found = report(dav_ann, inbox, body)
    assert "SUMMARY:A" in found[hrefs[0]][200][C_DATA].text  # type: ignore[index,union-attr]
    assert found[hrefs[1]]["status"] == 404
    # An app's first multiget of a big list names many (here 1,500 hrefs, about 100 KB).
    many = [f"{dav_ann.calendar(inbox)}{number:036d}.ics" for number in range(1500)]
    body = body.replace(f"<d:href>{hrefs[1]}</d:href>", "".join(f"<d:href>{href}</d:href>" for href in many))
    found = report(dav_ann, inbox, body)
    assert len(found) == 1501 and all(found[href]["status"] == 404 for href in many)


def test_calendar_query_honours_status_completed_and_time_ranges(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    dav_ann.put(inbox, "open.ics", ics(vtodo("open", "Open", due=dt.datetime(2026, 12, 10, tzinfo=dt.UTC))))
    dav_ann.put(
        inbox,
        "done.ics",
        ics(vtodo("done", "Done", status="COMPLETED", due=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))),
    )
    dav_ann.put(inbox, "none.ics", ics(vtodo("none", "No due")))

    def query(filters: str) -> set[str]:
        body = (
            f'<c:calendar-query xmlns:d="DAV:" xmlns:c="{C}"><d:prop><d:getetag/></d:prop><c:filter>'
            f'<c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO">{filters}</c:comp-filter>'
            "</c:comp-filter></c:filter></c:calendar-query>"
        )
        return {href.rsplit("/", 1)[1] for href in report(dav_ann, inbox, body)}

    assert query("") == {"open.ics", "done.ics", "none.ics"}
    assert query('<c:prop-filter name="COMPLETED"><c:is-not-defined/></c:prop-filter>') == {
        "open.ics",
        "none.ics",
    }
    not_done = (
        '<c:prop-filter name="STATUS"><c:text-match negate-condition="yes">COMPLETED</c:text-match>'
        "</c:prop-filter>"
    )
    assert query(not_done) == {"open.ics", "none.ics"}
    december = '<c:time-range start="20261201T000000Z" end="20270101T000000Z"/>'
    assert query(december) == {"open.ics", "none.ics"}  # no dates at all: always in range (RFC 4791 9.9)


def test_sync_collection_gives_changes_then_deletions_and_moves_as_404(dav_ann: DavUser) -> None:
    inbox = dav_ann.inbox_id()
    work = dav_ann.rest("POST", "/api/lists", {"name": "Work"})
    dav_ann.put(inbox, "a.ics", ics(vtodo("a", "A")))
    dav_ann.put(inbox, "b.ics", ics(vtodo("b", "B")))
    first = report(dav_ann, inbox, SYNC.format(""))
    token = first.pop("sync-token")["token"]
    assert set(first) == {f"{dav_ann.calendar(inbox)}a.ics", f"{dav_ann.calendar(inbox)}b.ics"}
    assert report(dav_ann, inbox, SYNC.format(token)).keys() == {"sync-token"}  # nothing new
    _, b = tasks_of(dav_ann)
    dav_ann.put(inbox, "c.ics", ics(vtodo("c", "C")))
    dav_ann.request("DELETE", f"{dav_ann.calendar(inbox)}a.ics")
    dav_ann.rest("POST", f"/api/tasks/{b['id']}/move", {"list_id": work["id"]})
    later = report(dav_ann, inbox, SYNC.format(token))
    later.pop("sync-token")
    assert later[f"{dav_ann.calendar(inbox)}c.ics"][200][ETAG] is not None
    assert later[f"{dav_ann.calendar(inbox)}a.ics"]["status"] == 404
    assert later[f"{dav_ann.calendar(inbox)}b.ics"]["status"] == 404
    moved_in = report(dav_ann, work["id"], SYNC.format(""))
    assert f"{dav_ann.calendar(work['id'])}b.ics" in moved_in


def test_a_sync_token_never_given_or_too_old_is_refused(
    dav_ann: DavUser, client: TestClient, settings: Settings
) -> None:
    inbox = dav_ann.inbox_id()
    token = report(dav_ann, inbox, SYNC.format("")).pop("sync-token")["token"]
    bob = dav_user(client, "bob@example.com")
    # A token as the server signs them, from before CHANGES_RETENTION_DAYS.
    with database_proxy.connection_context():
        user = User.get_by_id(dav_ann.id)
    long_ago = int(time.time()) - (settings.changes_retention_days + 1) * 86400
    cursors = Cursors(settings.jwt_secret, settings.changes_retention_days)
    expired = "urn:x-todo-api:sync:" + cursors.encode(user, Position.complete(0), long_ago)
    fresh = "urn:x-todo-api:sync:" + cursors.encode(user, Position.complete(0), int(time.time()))
    assert "sync-token" in report(dav_ann, inbox, SYNC.format(fresh))  # the same point, given today: good
    for wrong, who in (
        (token, bob),
        (expired, dav_ann),
        ("urn:x-todo-api:sync:c1.5.99.0.1.AAAAAAAAAAAAAAAAAAAAAA", dav_ann),
        ("http://example.com/x", dav_ann),
    ):
        calendar = bob.inbox_id() if who is bob else inbox
        refused = who.request("REPORT", who.calendar(calendar), SYNC.format(wrong), depth="1")
        assert refused.status_code == 403 and f"{{{D}}}valid-sync-token" in error_condition(refused)
