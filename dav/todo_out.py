"""A task as its calendar object resource: a VCALENDAR of one VTODO, with a VTIMEZONE for
every TZID it uses, written by the icalendar library.

The text depends on the task's stored state only (DTSTAMP is its last change), so it changes
exactly when the task's version does, and the task's ETag is the resource's. The properties
and components a client's copy held that the service does not model (`Task.ical_extra`) follow
the modelled ones, as they came; a STATUS kept there (IN-PROCESS, CANCELLED) stands while it
agrees with `completed`.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import zoneinfo
from collections import OrderedDict

from icalendar import Alarm, Calendar, Component, Timezone, Todo, vRecur

from dav.ical_text import read_calendar
from dav.todo_in import END_OF_DAY, KEPT_STATUS
from domain.calendar_objects import Copy
from domain.reminder_specs import parse_duration, shown
from models import PRIORITY_NAMES, Task

PRODID = "-//todo-api//CalDAV//EN"
PRIORITY_NUMBERS = {"high": 1, "medium": 5, "low": 9}
MEDIA_TYPE = "text/calendar; charset=utf-8"


class Rendered:
    """The texts written lately, by what determines them: the task's id, version and creation
    (its ETag: a new version for any change of its fields, tags, parent or kept properties)
    and its parent's UID. Writing one costs about half a millisecond; apps read the same
    versions again and again (a GET after each PUT, multigets, syncs of several devices)."""

    SIZE = 4096

    def __init__(self) -> None:
        self.texts: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, copy: Copy) -> bytes:
        task = copy.task
        key = (task.id, task.version, task.created_at, copy.parent_uid)
        with self.lock:
            known = self.texts.get(key)
            if known is not None:
                self.texts.move_to_end(key)
                return known
        text: bytes = calendar_of(copy).to_ical(sorted=False)
        with self.lock:
            self.texts[key] = text
            if len(self.texts) > self.SIZE:
                self.texts.popitem(last=False)
        return text


rendered = Rendered()


def calendar_bytes(copy: Copy) -> bytes:
    return rendered.get(copy)


def calendar_of(copy: Copy) -> Calendar:
    """The resource as components (what calendar-query filters read)."""
    task = copy.task
    kept = read_calendar(task.ical_extra) if task.ical_extra else None
    kept_todo = next(iter(kept.walk("VTODO")), None) if kept is not None else None
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    todo = Todo()
    write_fields(todo, copy, kept_todo)
    if kept_todo is not None:
        for name, value in kept_todo.property_items(recursive=False, sorted=False):
            if name not in ("BEGIN", "END", "STATUS"):
                todo.add(name, value, encode=False)
    for spec in shown(task.reminders):
        todo.add_component(alarm(task, spec))
    for component in kept_todo.subcomponents if kept_todo is not None else []:
        todo.add_component(component)
    calendar.add_component(todo)
    calendar.subcomponents[:0] = timezones(calendar, kept, task.due_date)
    return calendar


def write_fields(todo: Component, copy: Copy, kept: Component | None) -> None:
    task = copy.task
    todo.add("UID", task.uid)
    todo.add("DTSTAMP", utc(task.updated_at))
    todo.add("CREATED", utc(task.created_at))
    todo.add("LAST-MODIFIED", utc(task.updated_at))
    todo.add("SEQUENCE", task.version - 1)
    todo.add("SUMMARY", task.title)
    if task.description is not None:
        todo.add("DESCRIPTION", task.description)
    todo.add("STATUS", status(task, kept))
    if task.completed and task.completed_at is not None:
        todo.add("COMPLETED", utc(task.completed_at))
    todo.add("PRIORITY", PRIORITY_NUMBERS[PRIORITY_NAMES[task.priority]])
    if task.due_date is not None:
        todo.add("DUE", due(task))
    if copy.tags:
        todo.add("CATEGORIES", copy.tags)
    if task.recurrence is not None:
        todo.add("RRULE", vRecur.from_ical(task.recurrence))
    if copy.parent_uid is not None:
        todo.add("RELATED-TO", copy.parent_uid, parameters={"RELTYPE": "PARENT"})


def status(task: Task, kept: Component | None) -> str:
    """A kept IN-PROCESS or CANCELLED while it agrees with `completed`."""
    value = str(kept.get("STATUS", "")).upper() if kept is not None else ""
    if KEPT_STATUS.get(value) is bool(task.completed):
        return value
    return "COMPLETED" if task.completed else "NEEDS-ACTION"


def due(task: Task) -> dt.datetime | dt.date:
    """In the task's zone; a date when it is that day's end there (how a date DUE is kept)."""
    moment = utc(task.due_date)
    local = moment if task.time_zone == "UTC" else moment.astimezone(zoneinfo.ZoneInfo(task.time_zone))
    return local.date() if local.time() == END_OF_DAY else local


def alarm(task: Task, spec: dict[str, str]) -> Alarm:
    component = Alarm()
    component.add("ACTION", "DISPLAY")
    component.add("DESCRIPTION", task.title)
    if "before" in spec:
        component.add("TRIGGER", -parse_duration(spec["before"]), parameters={"RELATED": "END"})
    else:
        at = dt.datetime.fromisoformat(spec["at"]).astimezone(dt.UTC)
        component.add("TRIGGER", at, parameters={"VALUE": "DATE-TIME"})
    return component


def timezones(calendar: Calendar, kept: Calendar | None, due_date: dt.datetime | None) -> list[Component]:
    """A VTIMEZONE for each TZID the calendar uses: the client's own for a zone the time zone
    database does not know, else one written for the years around the task's due date."""
    year = (due_date or dt.datetime.now(dt.UTC)).year
    found: list[Component] = []
    own = {each.tz_name: each for each in kept.timezones} if kept is not None else {}
    for tzid in sorted(calendar.get_missing_tzids()):
        if tzid in own:
            found.append(own[tzid])
        elif (component := vtimezone(tzid, year)) is not None:
            found.append(component)
    return found


@functools.lru_cache(maxsize=512)
def vtimezone(tzid: str, year: int) -> Timezone | None:
    """The zone's rules from a year before `year` to five after (icalendar writes each change
    as a date: a narrow window keeps the text short)."""
    try:
        return Timezone.from_tzid(tzid, first_date=dt.date(year - 1, 1, 1), last_date=dt.date(year + 6, 1, 1))
    except ValueError:
        return None


def utc(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment.replace(tzinfo=dt.UTC)
