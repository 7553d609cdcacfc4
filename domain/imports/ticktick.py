"""TickTick's backup CSV (Settings > Backup on its web app), as its files are: metadata lines
first (`"Date: 2025-11-25+0000"`, `"Version: 7.1"`, a quoted `"Status: ..."` over several lines),
then the header (`"Folder Name","List Name","Title","Kind","Tags","Content","Is Check list",
"Start Date","Due Date","Reminder","Repeat","Priority","Status","Created Time","Completed Time",
"Order","Timezone","Is All Day","Is Floating","Column Name","Column Order","View Mode","taskId",
"parentId"`; read by name), then one row a task.

"List Name" is the task's list; `parentId` its parent (a child may come before its parent);
Tags are comma-separated; Content is the description (a checklist's items included); Priority
5 is high, 3 medium, 1 low, 0 (none) medium; Status 0 is open, 1 and 2 (TickTick's "completed"
and "archived") completed, with Completed Time; Created Time is kept. Due Date is an ISO
date-time; with "Is All Day" true it is that day (in the row's Timezone). Repeat is an RRULE
(read by `icalendar`; parts the service does not run, such as TickTick's TT_SKIP, are dropped
with a problem). Reminder holds triggers (`-PT15M`, `TRIGGER:P0DT9H0M0S`): one before the due
date, or, for a day, a time on it. Siblings keep their Order. A task's UID comes from its
taskId, so importing the same backup again skips it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

from domain.errors import Invalid
from domain.imports.csv_rows import Row, cell, header_index, is_blank
from domain.imports.dates import END_OF_DAY, end_of_day, utc_moment, zone_of
from domain.imports.every import rule_text
from domain.imports.records import Problem, Source, SourceList, SourceTask, Where
from domain.recurrence import PARTS, clean_rule, local, to_utc
from domain.reminder_specs import MAX_BEFORE, MAX_REMINDERS

FORMAT = "ticktick"
REQUIRED = ("List Name", "Title")
PREAMBLE = ("date:", "version:", "status:")
PRIORITIES = {"0": "medium", "": "medium", "1": "low", "3": "medium", "5": "high"}
OPEN, COMPLETED = ("0", ""), ("1", "2", "-1")
# The UIDs of TickTick's tasks: the same taskId gives the same UID, import after import.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://ticktick.com/")
TRIGGER = re.compile(
    r"([+-]?)P(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?"
)


def is_ticktick_header(cells: list[str]) -> bool:
    names = {name.strip() for name in cells}
    return all(name in names for name in REQUIRED)


def is_preamble(cells: list[str]) -> bool:
    """A metadata line above the header (or a blank one)."""
    return is_blank(cells) or (
        len([c for c in cells if c.strip()]) == 1 and cells[0].strip().lower().startswith(PREAMBLE)
    )


def read(header: list[str], rows: Iterator[Row], file: str, source: Source, zone: str) -> None:
    """Add the backup's lists, tasks and problems to `source` (`zone`: the user's, for rows
    without a Timezone); `rows` are those after the header."""
    index = header_index(header)
    ordered: list[tuple[float, int, SourceTask]] = []
    for line, cells in rows:
        if is_blank(cells):
            continue
        where = Where(file, line)
        task = task_of(cells, index, where, source, zone)
        if task is not None:
            ordered.append((order_of(cell(cells, index, "Order")), line, task))
    source.tasks.extend(task for _, _, task in sorted(ordered, key=lambda item: item[:2]))


def task_of(
    cells: list[str], index: dict[str, int], where: Where, source: Source, zone: str
) -> SourceTask | None:
    def value(name: str) -> str:
        return cell(cells, index, name)

    list_name = value("List Name") or "Inbox"
    source.add_list(
        SourceList(key=list_name.lower(), name=list_name, where=where, default=list_name.lower() == "inbox")
    )
    title, content = value("Title"), value("Content")
    if not title:
        if not content:
            source.problems.append(Problem(where, "A task with no title and no content: not imported"))
            return None
        title = content.splitlines()[0][:200]
        source.problems.append(Problem(where, "Title empty: the first line of Content is the title"))
    priority, status = value("Priority"), value("Status")
    if priority not in PRIORITIES:
        raise Invalid.at(
            tuple(where.loc()), f"Priority {priority!r} is not 0, 1, 3 or 5", "ticktick_priority"
        )
    if status not in OPEN + COMPLETED:
        raise Invalid.at(tuple(where.loc()), f"Status {status!r} is not 0, 1, 2 or -1", "ticktick_status")
    completed = status in COMPLETED
    fields: dict[str, Any] = {
        "title": title,
        "priority": PRIORITIES[priority],
        "completed": completed,
        "tags": [tag.strip() for tag in value("Tags").split(",") if tag.strip()],
    }
    if content:
        fields["description"] = content
    task_zone = zone_of(value("Timezone"), zone)
    if value("Timezone") == task_zone.key:
        fields["time_zone"] = task_zone.key
    all_day = value("Is All Day").lower() == "true"
    due = due_of(value("Due Date"), all_day, task_zone, where)
    if due is not None:
        fields["due_date"] = due
    if rule := rule_of(value("Repeat"), due is not None, where, source):
        fields["recurrence"] = rule
    if reminders := reminders_of(value("Reminder"), due, all_day, task_zone, where, source):
        fields["reminders"] = reminders
    task_id = value("taskId")
    return SourceTask(
        ref=task_id or str(where),
        list_key=list_name.lower(),
        parent_ref=value("parentId") or None,
        fields=fields,
        where=where,
        columns={
            "title": "Title",
            "description": "Content",
            "tags": "Tags",
            "due_date": "Due Date",
            "recurrence": "Repeat",
            "reminders": "Reminder",
            "time_zone": "Timezone",
        },
        uid=str(uuid.uuid5(NAMESPACE, task_id)) if task_id else None,
        created_at=utc_moment(value("Created Time")) if value("Created Time") else None,
        completed_at=utc_moment(value("Completed Time")) if completed and value("Completed Time") else None,
    )


def due_of(text: str, all_day: bool, zone: Any, where: Where) -> dt.datetime | None:
    """The due date (naive UTC): a day's end for an all-day task, in the task's zone."""
    if not text:
        return None
    if len(text) == 10:  # a date alone
        try:
            return end_of_day(dt.date.fromisoformat(text), zone)
        except ValueError:
            pass
    moment = utc_moment(text)
    if moment is None:
        raise Invalid.at(tuple(where.loc()), f"Due Date {text!r} is not an ISO date-time", "ticktick_date")
    return end_of_day(local(moment, zone).date(), zone) if all_day else moment


def rule_of(text: str, has_due: bool, where: Where, source: Source) -> str | None:
    """The Repeat column's RRULE, without the parts the service does not run."""
    text = text.strip()
    if not text:
        return None
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    first = first[len("RRULE:") :] if first.upper().startswith("RRULE:") else first
    from icalendar import vRecur  # on first use: a worker that imports nothing need not load it

    try:
        parts = vRecur.from_ical(first)
    except ValueError:
        source.problems.append(Problem(where, f"Repeat {text!r} is not an RRULE: not imported"))
        return None
    dropped = sorted(name for name in parts if name not in PARTS)
    try:
        rule = clean_rule(rule_text({name: values for name, values in parts.items() if name in PARTS}))
    except ValueError as exc:
        source.problems.append(Problem(where, f"Repeat {text!r}: {exc}; not imported"))
        return None
    if not has_due:
        source.problems.append(Problem(where, f"Repeat {text!r} without a Due Date: not imported"))
        return None
    if dropped:
        source.problems.append(
            Problem(where, f"Repeat: {', '.join(dropped)} not kept (the service does not run them)")
        )
    return rule


def reminders_of(
    text: str, due: dt.datetime | None, all_day: bool, zone: Any, where: Where, source: Source
) -> list[dict[str, str]]:
    """TickTick's triggers as reminders: `-PT15M` (or `PT0S`) before the due date; for an
    all-day task, a positive one (`P0DT9H0M0S`) is that time on the day."""
    reminders: list[dict[str, str]] = []
    for trigger in text.replace("\n", ",").split(","):
        trigger = trigger.strip().removeprefix("TRIGGER:").strip()
        if not trigger:
            continue
        offset = duration_of(trigger)
        if offset is None or due is None:
            reason = "is not an ISO 8601 duration" if offset is None else "needs a Due Date"
            source.problems.append(Problem(where, f"Reminder {trigger!r} {reason}: not imported"))
            continue
        if offset <= dt.timedelta(0) and -offset <= MAX_BEFORE:
            reminders.append({"before": duration_text(-offset)})
        elif offset > dt.timedelta(0) and all_day:
            day_start = dt.datetime.combine(local(due, zone).date(), dt.time(0)) + offset
            reminders.append(
                {
                    "at": to_utc(
                        min(day_start, dt.datetime.combine(day_start.date(), END_OF_DAY)), zone
                    ).isoformat()
                    + "Z"
                }
            )
        else:
            source.problems.append(
                Problem(where, f"Reminder {trigger!r} is not one the service keeps: not imported")
            )
    if len(reminders) > MAX_REMINDERS:
        source.problems.append(Problem(where, f"Reminder: only the first {MAX_REMINDERS} are kept"))
    return reminders[:MAX_REMINDERS]


def duration_of(text: str) -> dt.timedelta | None:
    """A signed ISO 8601 duration in weeks, days, hours, minutes and seconds."""
    found = TRIGGER.fullmatch(text.upper())
    if found is None or not any(found.groups()[1:]):
        return None
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in found.groups()[1:])
    size = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -size if found[1] == "-" else size


def duration_text(size: dt.timedelta) -> str:
    """A duration as the API writes it: PT15M, P1D, P1DT2H..."""
    seconds = int(size.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return text if text != "P" else "PT0S"


def order_of(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0
