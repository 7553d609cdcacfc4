"""The import's reading half alone (no database): formats found from the content, Todoist's
project CSV and backup ZIP, TickTick's backup, this service's export, the archive's defences,
"every ..." phrases as RRULEs, and every refusal naming its file and line (or task and field).
The files are made as those apps write them (tests/support/backups.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
import zoneinfo
from typing import Any

import pytest

from domain.errors import Invalid, Unreadable, UnsupportedFormat
from domain.imports.archives import MAX_RATIO
from domain.imports.every import repeat_of
from domain.imports.plan import Plan, prepared
from domain.imports.records import SourceTask
from tests.support.backups import (
    TODOIST_HEADER,
    ticktick_backup,
    ticktick_row,
    todoist_backup,
    todoist_csv,
    todoist_note,
    todoist_section,
    todoist_task,
)

NOW = dt.datetime(2026, 10, 7, 12, 0)  # a Wednesday, naive UTC
LIMIT = 1024 * 1024
UTC = zoneinfo.ZoneInfo("UTC")


def read(
    body: bytes | str, *, file: str | None = None, list_name: str | None = None, limit: int = LIMIT
) -> Plan:
    data = body.encode() if isinstance(body, str) else body
    return prepared(data, file=file, list_name=list_name, limit=limit, zone="America/New_York", now=NOW)


def refusal(body: bytes | str, **options: Any) -> list[dict[str, Any]]:
    with pytest.raises(Invalid) as caught:
        read(body, **options)
    return caught.value.problems


def task(plan: Plan, title: str) -> SourceTask:
    (found,) = [planned.source for planned in plan.tasks if planned.fields.title == title]
    return found


def fields(plan: Plan, title: str) -> dict[str, Any]:
    (found,) = [planned.fields for planned in plan.tasks if planned.fields.title == title]
    return found.model_dump(exclude_unset=True)


def problems(plan: Plan) -> list[dict[str, str]]:
    return [problem.json() for problem in plan.problems]


# Todoist ------------------------------------------------------------------------------------


def test_a_todoist_project_is_read_row_by_row() -> None:
    text = todoist_csv(
        todoist_task("Buy milk @home @Errand", description="2 litres", priority=1, date="2026-10-09"),
        todoist_note("From the farm shop"),
        todoist_note("Oat if none"),
        todoist_task("Call the plumber", priority=2, indent=2, date="2026-10-09 18:30"),
        todoist_task("Find the number", priority=3, indent=3),
        todoist_section("Later"),
        todoist_task("Paint the door", priority=4, date="2026-10-12T09:00:00Z"),
        todoist_task("Someday", date="tomorrow"),
    )
    plan = read(text, file="Home.csv")
    assert plan.format == "todoist"
    assert [(each.name, each.default) for each in plan.lists] == [("Inbox", True)]
    assert [planned.fields.title for planned in plan.tasks] == [
        "Buy milk",
        "Paint the door",
        "Someday",
        "Call the plumber",
        "Find the number",
    ], "parents before children, siblings in the file's order"
    milk = fields(plan, "Buy milk")
    assert milk["tags"] == ["home", "errand"] and milk["priority"] == "high"
    assert milk["description"] == "2 litres\n\nFrom the farm shop\n\nOat if none"
    # A date alone is that day's end where the task is (TIMEZONE: Berlin, UTC+2 in October).
    assert milk["due_date"] == dt.datetime(2026, 10, 9, 21, 59, 59) and milk["time_zone"] == "Europe/Berlin"
    assert fields(plan, "Call the plumber")["due_date"] == dt.datetime(2026, 10, 9, 16, 30)
    assert fields(plan, "Call the plumber")["priority"] == "medium"
    assert fields(plan, "Find the number")["priority"] == "low"
    assert fields(plan, "Paint the door")["priority"] == "medium"
    assert fields(plan, "Paint the door")["due_date"] == dt.datetime(2026, 10, 12, 9, 0)
    assert "due_date" not in fields(plan, "Someday")
    plumber, number = task(plan, "Call the plumber"), task(plan, "Find the number")
    assert plumber.parent_ref == task(plan, "Buy milk").ref and number.parent_ref == plumber.ref
    assert task(plan, "Paint the door").parent_ref is None, "a section starts again at the top"
    assert problems(plan) == [
        {"where": "Home.csv:11", "detail": "Section 'Later' is not kept: its tasks are in the list"},
        {"where": "Home.csv:15", "detail": problems(plan)[1]["detail"]},
    ]
    assert "'tomorrow' is not an ISO date" in problems(plan)[1]["detail"]


def test_todoist_every_phrases_become_rules_with_a_first_due_date() -> None:
    text = todoist_csv(
        todoist_task("Stand-up", date="every weekday at 9am", timezone="Europe/Paris"),
        todoist_task("Bins", date="every monday"),
        todoist_task("Rent", date="every 1st"),
        todoist_task("Water", date="every! 3 days"),
        todoist_task("Review", date="every other week"),
        todoist_task("Taxes", date="jährlich"),
    )
    plan = read(text)
    standup = fields(plan, "Stand-up")
    assert standup["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert standup["due_date"] == dt.datetime(2026, 10, 7, 7, 0), "today (a Wednesday) at 09:00 in Paris"
    assert fields(plan, "Bins")["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"
    assert fields(plan, "Bins")["due_date"] == dt.datetime(2026, 10, 12, 21, 59, 59), "the next Monday's end"
    assert fields(plan, "Rent")["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert fields(plan, "Rent")["due_date"].date() == dt.date(2026, 11, 1)
    assert fields(plan, "Water")["recurrence"] == "FREQ=DAILY;INTERVAL=3"
    assert fields(plan, "Review")["recurrence"] == "FREQ=WEEKLY;INTERVAL=2"
    assert "recurrence" not in fields(plan, "Taxes") and "due_date" not in fields(plan, "Taxes")
    assert all(task(plan, title).by_rule for title in ("Stand-up", "Bins", "Rent", "Water", "Review"))
    details = [problem["detail"] for problem in problems(plan)]
    assert details == [
        "DATE 'every! 3 days' repeats from the due date, not from the completion",
        "DATE 'jährlich' is not an ISO date (2026-10-09, 2026-10-09T18:00) "
        "nor a repeat in English (every monday): not imported",
    ]


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("every day", "FREQ=DAILY"),
        ("daily", "FREQ=DAILY"),
        ("Every Day", "FREQ=DAILY"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every workday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU"),
        ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("every mon, wed and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("every other tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every week", "FREQ=WEEKLY"),
        ("weekly", "FREQ=WEEKLY"),
        ("every month", "FREQ=MONTHLY"),
        ("every 3 months", "FREQ=MONTHLY;INTERVAL=3"),
        ("every 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("every last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every first monday", "FREQ=MONTHLY;BYDAY=1MO"),
        ("every last fri", "FREQ=MONTHLY;BYDAY=-1FR"),
        ("every year", "FREQ=YEARLY"),
        ("yearly", "FREQ=YEARLY"),
        ("every jan 27", "FREQ=YEARLY;BYMONTHDAY=27;BYMONTH=1"),
        ("every 27 january at 8:30pm", "FREQ=YEARLY;BYMONTHDAY=27;BYMONTH=1"),
    ],
)
def test_every_phrase(phrase: str, rule: str) -> None:
    repeat = repeat_of(phrase, UTC, NOW)
    assert repeat is not None and repeat.rule == rule
    assert repeat.due >= NOW.replace(hour=0, minute=0), "never before today"


@pytest.mark.parametrize(
    "phrase",
    [
        "every day starting jan 1",
        "every feb 30",
        "every 0 days",
        "every day at 25:00",
        "tomorrow",
        "every hour",
    ],
)
def test_phrases_not_read(phrase: str) -> None:
    assert repeat_of(phrase, UTC, NOW) is None


def test_todoist_columns_are_read_by_name_and_what_has_no_place_is_named() -> None:
    header = (
        "TYPE",
        "CONTENT",
        "DESCRIPTION",
        "IS_COLLAPSED",
        "PRIORITY",
        "INDENT",
        "DATE",
        "TIMEZONE",
        "DEADLINE",
    )
    text = todoist_csv(
        {
            "TYPE": "task",
            "CONTENT": "Old file layout",
            "PRIORITY": "1",
            "INDENT": "1",
            "DEADLINE": "2026-12-01",
        },
        header=header,
    )
    plan = read(text, file="p.csv")
    assert fields(plan, "Old file layout")["priority"] == "high"
    assert problems(plan) == [
        {"where": "p.csv:3", "detail": "DEADLINE '2026-12-01' has no place here: not imported"}
    ]


def test_todoist_notes_keep_attachment_links_and_what_does_not_fit_is_named() -> None:
    attachment = json.dumps(
        {"file_name": "bill.png", "file_url": "https://files.example/bill.png", "tn_s": [1]}
    )
    text = todoist_csv(
        todoist_note("A note before any task"),
        todoist_task("Pay the bill", description="x" * 990),
        todoist_note(f"the photo [[file {attachment}]]"),
        todoist_task("Keep the receipt"),
        todoist_note(f"photo: [[file {attachment}]]"),
    )
    plan = read(text, file="p.csv")
    assert fields(plan, "Keep the receipt")["description"] == "photo: bill.png https://files.example/bill.png"
    assert fields(plan, "Pay the bill")["description"] == "x" * 990
    assert problems(plan) == [
        {"where": "p.csv:3", "detail": "A note with no task above it: not imported"},
        {
            "where": "p.csv:6",
            "detail": "Note not imported: the task's description would pass 1000 characters",
        },
    ]


def test_a_lone_todoist_csv_goes_into_the_list_named_by_list() -> None:
    plan = read(todoist_csv(todoist_task("Pack")), list_name="Holidays")
    assert [(each.name, each.default) for each in plan.lists] == [("Holidays", False)]
    assert task(plan, "Pack").list_key == plan.lists[0].key


@pytest.mark.parametrize(
    ("row", "line_message"),
    [
        (todoist_task("Pack", priority=7), "PRIORITY '7' is not 1, 2, 3 or 4"),
        (todoist_task("Pack", indent=0), "INDENT '0' is not 1, 2, 3 or 4"),
        ({"TYPE": "reminder", "CONTENT": "x"}, "TYPE 'reminder' is not task, note, section or meta"),
        (todoist_task("t" * 201), "CONTENT: Value error, title must be 1 to 200 characters after trimming"),
        (
            todoist_task("Tagged @" + "l" * 31),
            "CONTENT: Value error, each tag must be 1 to 30 characters after trimming",
        ),
        (
            todoist_task("Long", description="d" * 1001),
            "DESCRIPTION: Value error, must be at most 1000 characters",
        ),
    ],
)
def test_a_todoist_row_the_rules_refuse_is_a_422_naming_file_and_line(
    row: dict[str, str], line_message: str
) -> None:
    text = todoist_csv(todoist_task("Fine"), row)
    (found,) = refusal(text, file="Work [2203306141].csv")
    assert found["loc"] == ["body", "Work [2203306141].csv", 5]
    assert found["msg"] == line_message


def test_a_subtask_with_no_task_above_it_is_refused() -> None:
    text = todoist_csv(todoist_task("Fine"), todoist_section("Next"), todoist_task("Orphan", indent=2))
    (found,) = refusal(text, file="p.csv")
    assert found["loc"] == ["body", "p.csv", 7]
    assert found["msg"] == "INDENT 2 makes a subtask, but no task above it has a smaller INDENT"


def test_todoist_subtasks_nest_at_most_four_levels() -> None:
    rows = [todoist_task(f"Level {level}", indent=level) for level in range(1, 6)]
    (found,) = refusal(todoist_csv(*rows), file="p.csv")
    assert found["loc"] == ["body", "p.csv", 11] and found["type"] == "too_deep"


def test_malformed_csv_and_text_that_is_not_utf8_name_their_line() -> None:
    text = todoist_csv(todoist_task("Fine")) + 'task,"never closed\n'
    (found,) = refusal(text, file="p.csv")
    assert found["loc"] == ["body", "p.csv", 5] and found["type"] == "csv_syntax"
    latin1 = todoist_csv(todoist_task("Fine"), todoist_task("Café")).encode("latin-1")
    (found,) = refusal(latin1, file="p.csv")
    assert found["loc"] == ["body", "p.csv", 5] and found["msg"] == "Not UTF-8 text"


# A Todoist backup (ZIP) -----------------------------------------------------------------------


def test_a_todoist_backup_is_a_list_per_project_named_after_its_file() -> None:
    backup = todoist_backup(
        {
            "Inbox": todoist_csv(todoist_task("Reply to Bob")),
            "Café": todoist_csv(todoist_task("Order beans @coffee"), todoist_task("Grind", indent=2)),
        }
    )
    plan = read(backup)
    assert [(each.name, each.default) for each in plan.lists] == [("Inbox", True), ("Café", False)]
    assert task(plan, "Grind").where.file == "Café [2203306142].csv", "Todoist's UTF-8 names read as such"
    assert task(plan, "Reply to Bob").list_key == plan.lists[0].key


def zip_of(entries: dict[str, bytes], **info: Any) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            entry = zipfile.ZipInfo(name)
            entry.compress_type = zipfile.ZIP_DEFLATED
            for key, value in info.items():
                setattr(entry, key, value)
            archive.writestr(entry, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "name", ["../escape.csv", "/etc/cron.d/x.csv", "C:/Users/x.csv", "a\\..\\b.csv", "a/../../b.csv"]
)
def test_archive_paths_that_leave_the_folder_are_refused(name: str) -> None:
    backup = zip_of({"Inbox [1].csv": todoist_csv(todoist_task("ok")).encode(), name: b"TYPE,CONTENT\n"})
    (found,) = refusal(backup)
    assert found["loc"] == ["body", name] and found["type"] == "archive_refused"


def test_archive_links_and_encrypted_entries_are_refused() -> None:
    link = zip_of({"Inbox [1].csv": b"/etc/passwd"}, external_attr=0o120777 << 16)
    assert refusal(link)[0]["msg"] == "Inbox [1].csv is a link: an archive to import holds files only"
    locked = bytearray(zip_of({"Inbox [1].csv": b"TYPE,CONTENT\n"}))
    for header, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # zipfile writes no encryption
        locked[locked.index(header) + flags] |= 0x1
    assert refusal(bytes(locked))[0]["msg"] == "Inbox [1].csv is encrypted"


def test_a_zip_bomb_is_refused_before_it_is_expanded() -> None:
    bomb = zip_of({"Inbox [1].csv": b"TYPE,CONTENT\n" + b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 8 * 1024 * 1024 / MAX_RATIO
    (found,) = refusal(bomb, limit=20 * 1024 * 1024)
    assert found["msg"] == f"Inbox [1].csv expands more than {MAX_RATIO} times: refused as a zip bomb"


def test_entries_expanding_past_four_times_the_limit_are_refused() -> None:
    project = todoist_csv(*[todoist_task(f"Task {n} {'x' * 100}") for n in range(200)]).encode()
    backup = zip_of({f"P{n} [{n}].csv": project for n in range(6)})
    limit = 4096 + len(project)  # the archive fits, its expansion does not
    assert len(backup) < limit < 6 * len(project) / 4
    (found,) = refusal(backup, limit=limit)
    assert found["type"] == "archive_refused" and "expands past" in found["msg"]


def test_an_entry_larger_than_it_declares_fails_its_check() -> None:
    data = todoist_csv(*[todoist_task(f"Task {n}") for n in range(50)]).encode()
    backup = bytearray(zip_of({"Inbox [1].csv": data}))
    central = backup.index(b"PK\x01\x02")
    backup[central + 24 : central + 28] = (len(data) // 2).to_bytes(4, "little")  # declared size halved
    (found,) = refusal(bytes(backup))
    assert found["loc"] == ["body", "Inbox [1].csv"] and "cannot be read" in found["msg"]


def test_other_entries_are_left_out_and_named() -> None:
    backup = zip_of(
        {
            "Inbox [1].csv": todoist_csv(todoist_task("Kept")).encode(),
            "__MACOSX/._Inbox [1].csv": b"\0\5\26\7",
            "photo.png": b"\x89PNG",
            "notes.csv": b"name,value\na,1\n",
        }
    )
    plan = read(backup)
    assert [planned.fields.title for planned in plan.tasks] == ["Kept"]
    assert problems(plan) == [
        {"where": "__MACOSX/._Inbox [1].csv", "detail": "not a CSV file: left out"},
        {"where": "photo.png", "detail": "not a CSV file: left out"},
        {"where": "notes.csv", "detail": "Not a Todoist project's CSV: left out"},
    ]


def test_an_archive_without_a_project_is_an_unknown_format() -> None:
    with pytest.raises(UnsupportedFormat):
        read(zip_of({"readme.txt": b"hello"}))
    (found,) = refusal(b"PK\x03\x04 truncated")
    assert found["loc"] == ["body"] and "not a ZIP archive" in found["msg"]


# TickTick -------------------------------------------------------------------------------------


def test_a_ticktick_backup_is_read_with_its_metadata_lines() -> None:
    backup = ticktick_backup(
        ticktick_row("Outline", task_id="64f0c2a1", list_name="Work", parentId="64f0c2a0", Order="2"),
        ticktick_row(
            "Write report",
            task_id="64f0c2a0",
            list_name="Work",
            Tags="writing, Q4",
            Content="Draft first",
            Priority="5",
            **{"Due Date": "2026-10-09T13:00:00+0000", "Reminder": "-PT15M,TRIGGER:-P1D", "Order": "1"},
        ),
        ticktick_row(
            "Stand-up",
            task_id="64f0c2a2",
            list_name="Work",
            Priority="3",
            Repeat="RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;TT_SKIP=HOLIDAY",
            **{"Due Date": "2026-10-08T07:00:00+0000"},
        ),
        ticktick_row(
            "Dentist",
            task_id="64f0c2a3",
            Priority="1",
            **{
                "Due Date": "2026-10-13T22:00:00+0000",
                "Is All Day": "true",
                "Reminder": "TRIGGER:P0DT9H0M0S",
            },
        ),
        ticktick_row(
            "Renew passport",
            task_id="64f0c2a4",
            Status="2",
            **{"Completed Time": "2026-10-01T10:39:31+0000", "Created Time": "2022-01-21T11:33:40+0000"},
        ),
        ticktick_row("Archived", task_id="64f0c2a5", Status="1"),
    )
    plan = read(backup, file="TickTick-backup.csv")
    assert plan.format == "ticktick"
    assert [(each.name, each.default) for each in plan.lists] == [("Work", False), ("Inbox", True)]
    assert task(plan, "Outline").parent_ref == task(plan, "Write report").ref, "a child may come first"
    reminders = {each.fields.title: [r.shown() for r in each.fields.reminders or []] for each in plan.tasks}
    report = fields(plan, "Write report")
    assert report["tags"] == ["writing", "q4"] and report["priority"] == "high"
    assert report["description"] == "Draft first"
    assert report["due_date"] == dt.datetime(2026, 10, 9, 13, 0)
    assert reminders["Write report"] == [{"before": "PT15M"}, {"before": "P1D"}]
    standup = fields(plan, "Stand-up")
    assert (
        standup["recurrence"] == "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR"
        and standup["priority"] == "medium"
    )
    dentist = fields(plan, "Dentist")
    # All day, on the 14th in Berlin (22:00 UTC the day before): that day's end; 09:00 that day.
    assert dentist["due_date"] == dt.datetime(2026, 10, 14, 21, 59, 59) and dentist["priority"] == "low"
    assert reminders["Dentist"] == [{"at": "2026-10-14T07:00:00Z"}]
    passport = task(plan, "Renew passport")
    assert fields(plan, "Renew passport")["completed"] is True
    assert passport.completed_at == dt.datetime(2026, 10, 1, 10, 39, 31)
    assert passport.created_at == dt.datetime(2022, 1, 21, 11, 33, 40)
    assert fields(plan, "Archived")["completed"] is True
    assert len({each.source.uid for each in plan.tasks}) == 6, "a UID from each taskId"
    assert read(backup).tasks[0].source.uid == plan.tasks[0].source.uid, "the same UID each time"
    assert problems(plan) == [
        {
            "where": "TickTick-backup.csv:10",
            "detail": "Repeat: TT_SKIP not kept (the service does not run them)",
        }
    ]


def test_ticktick_rows_the_rules_refuse_name_their_line() -> None:
    backup = ticktick_backup(
        ticktick_row("Fine", task_id="1"), ticktick_row("Bad", task_id="2", Priority="4")
    )
    (found,) = refusal(backup, file="backup.csv")
    assert found == {
        "loc": ["body", "backup.csv", 9],
        "msg": "Priority '4' is not 0, 1, 3 or 5",
        "type": "ticktick_priority",
    }
    orphan = ticktick_backup(ticktick_row("Orphan", task_id="1", parentId="404"))
    (found,) = refusal(orphan, file="backup.csv")
    assert found["loc"] == ["body", "backup.csv", 8] and found["msg"] == "Its parent 404 is not in the file"
    cycle = ticktick_backup(
        ticktick_row("A", task_id="1", parentId="2"), ticktick_row("B", task_id="2", parentId="1")
    )
    assert {found["type"] for found in refusal(cycle)} == {"cycle"}


def test_a_list_name_applies_to_one_todoist_csv_only() -> None:
    plan = read(ticktick_backup(ticktick_row("A", task_id="1")), list_name="Work")
    assert [each.name for each in plan.lists] == ["Inbox"]
    assert problems(plan) == [
        {"where": "list", "detail": "list= is for one Todoist project's CSV only: the file names its lists"}
    ]


# This service's export ------------------------------------------------------------------------


def export(tasks: list[dict[str, Any]], lists: list[dict[str, Any]] | None = None) -> str:
    default = [{"id": 1, "name": "Inbox", "color": None, "is_default": True}]
    return json.dumps({"format": "todo-api/1", "lists": default if lists is None else lists, "tasks": tasks})


def test_the_export_is_read_back_with_its_ids_and_order() -> None:
    lists = [{"id": 1, "name": "Inbox", "is_default": True}, {"id": 7, "name": "Work", "color": "blue"}]
    tasks = [
        {"id": 5, "title": "Second", "list_id": 7, "position": "a1", "uid": "u-2"},
        {"id": 9, "title": "Child", "list_id": 7, "parent_id": 3, "position": "a0", "uid": "u-3"},
        {"id": 3, "title": "First", "list_id": 7, "position": "a0", "uid": "u-1", "completed": True,
         "completed_at": "2026-01-02T03:04:05Z", "created_at": "2025-12-31T23:00:00+01:00"},
    ]  # fmt: skip
    plan = read(export(tasks, lists))
    assert [planned.fields.title for planned in plan.tasks] == ["First", "Second", "Child"]
    assert read(b"\xef\xbb\xbf" + export(tasks, lists).encode()).format == "todo-api/1", "saved with a BOM"
    first = task(plan, "First")
    assert first.uid == "u-1" and first.completed_at == dt.datetime(2026, 1, 2, 3, 4, 5)
    assert first.created_at == dt.datetime(2025, 12, 31, 22, 0)
    assert [(each.name, each.color, each.default) for each in plan.lists] == [
        ("Inbox", None, True),
        ("Work", "blue", False),
    ]


def test_export_fields_the_rules_refuse_are_named_by_task_and_field() -> None:
    tasks = [
        {"id": 1, "title": "Fine"},
        {"id": 2, "title": "x" * 300},
        {"id": 3, "title": "Bad rule", "recurrence": "FREQ=HOURLY", "due_date": "2026-01-01T00:00:00Z"},
        {"id": 4, "title": "Lost", "parent_id": 99},
        {"id": 1, "title": "Twice"},
        {"id": 6, "title": "Unknown list", "list_id": 42},
        {"id": 7, "title": "Bad stamp", "created_at": "yesterday"},
        {"id": 8, "title": "Bad uid", "uid": " \t "},
    ]
    locs = [found["loc"] for found in refusal(export(tasks))]
    assert locs == [
        ["body", "tasks", 1, "title"],
        ["body", "tasks", 2, "recurrence"],
        ["body", "tasks", 6, "created_at"],
        ["body", "tasks", 7, "uid"],
    ], "each field as POST /api/tasks checks it, and the export's own"
    (found,) = refusal(export([tasks[0], tasks[3], tasks[4], tasks[5]]))
    assert (
        found["loc"] == ["body", "tasks", 3, "list_id"]
        and found["msg"] == "List 42 is not in the file's lists"
    )
    locs = [found["loc"] for found in refusal(export([tasks[0], tasks[3], tasks[4]]))]
    assert locs == [["body", "tasks", 2, "id"], ["body", "tasks", 1, "parent_id"]]
    (found,) = refusal(json.dumps({"format": "todo-api/1", "lists": []}))
    assert found["loc"] == ["body", "tasks"] and found["type"] == "missing"


@pytest.mark.parametrize(
    "body",
    [
        '{"tasks": []}',
        '{"format": "todo-api/2", "tasks": []}',
        '[{"title": "a list"}]',
        "hello,world\r\n1,2\r\n",
        "just some words",
    ],
)
def test_unknown_formats_are_refused(body: str) -> None:
    with pytest.raises(UnsupportedFormat):
        read(body)


def test_malformed_json_is_unreadable_and_an_empty_body_is_missing() -> None:
    with pytest.raises(Unreadable):
        read('{"format": "todo-api/1", ')
    assert refusal(b"  \n")[0]["type"] == "missing"


def test_at_most_100000_tasks_an_import() -> None:
    body = "\r\n".join([",".join(TODOIST_HEADER[:2]), *["task,t"] * 100_001])
    (found,) = refusal(body)
    assert found["loc"] == ["body"] and found["type"] == "too_many_tasks"
