"""A client's VTODO read into a task: the fields the service models (as the REST API's body
names them), the UID, the parent's UID, and the rest kept as iCalendar text to be returned as
it came (`ClientTodo.extra`).

What maps to what (API.md, "CalDAV"): SUMMARY title, DESCRIPTION, STATUS (NEEDS-ACTION and
IN-PROCESS open; COMPLETED and CANCELLED completed; none: completed when COMPLETED is there),
PRIORITY (1-4 high, 5 or none or 0 medium, 6-9 low), DUE (a date: that day's end in the user's
zone; floating: in the user's zone; its TZID the task's time zone), CATEGORIES tags, RRULE,
RELATED-TO;RELTYPE=PARENT the parent, VALARMs reminders (a relative TRIGGER counts back from
DUE when RELATED=END, or when the VTODO has no DTSTART). CREATED, LAST-MODIFIED, DTSTAMP and
SEQUENCE are the server's. IN-PROCESS and CANCELLED are kept beside `completed`; so are every
other property and component, and a VALARM that cannot be a reminder.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from icalendar import Calendar, Component, Timezone, Todo
from icalendar.timezone import tzp
from pydantic import ValidationError

from dav.errors import DavError, refused_value
from dav.ical_text import read_calendar, zone_of
from dav.names import caldav
from domain.recurrence import zone_names
from domain.schemas import TaskCreate
from models import Task
from models.task import UID_LENGTH as MAX_UID_LENGTH

# Properties the service models: read into the task's fields (or owned by the server).
MODELLED = frozenset(
    (
        "UID", "SUMMARY", "DESCRIPTION", "STATUS", "COMPLETED", "PRIORITY", "DUE", "CATEGORIES",
        "RRULE", "CREATED", "LAST-MODIFIED", "DTSTAMP", "SEQUENCE",
    )
)  # fmt: skip
# STATUS values kept beside `completed`, returned while they still agree with it.
KEPT_STATUS = {"IN-PROCESS": False, "CANCELLED": True}
END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class ClientTodo:
    uid: str
    parent_uid: str | None
    kept: str | None  # the properties and components kept, as iCalendar text
    kept_with_parent: str | None  # the same with the RELATED-TO;RELTYPE=PARENT line
    calendar: Calendar
    todo: Component
    alarms: list[Component]  # the VALARMs read as reminders

    def kept_for(self, parent_linked: bool) -> str | None:
        """What to keep: the parent's RELATED-TO too when it names no task the service can
        make this one's parent (not there yet, or in another list)."""
        return self.kept if parent_linked or self.parent_uid is None else self.kept_with_parent

    def prepared(self, zone: str, list_id: int, parent: Task | None) -> tuple[TaskCreate, str | None]:
        """The task's fields checked as the REST API checks them (a refusal names the VTODO's
        property), and what to keep (domain/calendar_objects.py's `ClientVersion`)."""
        body = {**self.fields_for(zone), "list_id": list_id, "parent_id": parent.id if parent else None}
        return validated(body), self.kept_for(parent is not None)

    def fields_for(self, user_zone: str) -> dict[str, Any]:
        """The task's fields as a REST body names them, floating times and dates read in the
        user's zone."""
        fields = task_fields(self.calendar, self.todo, user_zone)
        fields["reminders"] = [reminder_of(alarm, user_zone) for alarm in self.alarms]
        return fields


def read_todo(body: bytes) -> ClientTodo:
    """The body's VTODO; DavError for a body the service does not keep (RFC 4791 5.3.2.1)."""
    try:
        calendar = read_calendar(body)
    except (ValueError, TypeError) as exc:
        message = f"The body is not an iCalendar object: {exc}"
        raise DavError(400, message, caldav("valid-calendar-data")) from None
    todo = the_todo(calendar)
    uid = the_uid(todo)
    has_start = "DTSTART" in todo
    alarms: list[Component] = []
    kept, with_parent = Todo(), Todo()  # what is kept, without and with the parent's RELATED-TO
    parent_uid: str | None = None
    for name, value in todo.property_items(recursive=False, sorted=False):
        if name in ("BEGIN", "END"):
            continue
        if name == "RELATED-TO" and parent_uid is None and is_parent(value):
            parent_uid = str(value)
            with_parent.add(name, value, encode=False)
        elif name not in MODELLED or (name == "STATUS" and str(value).upper() in KEPT_STATUS):
            kept.add(name, value, encode=False)
            with_parent.add(name, value, encode=False)
    for component in todo.subcomponents:
        if component.name == "VALARM" and is_reminder(component, has_start):
            alarms.append(component)
        else:
            kept.add_component(component)
            with_parent.add_component(component)
    return ClientTodo(
        uid, parent_uid, kept_text(calendar, kept), kept_text(calendar, with_parent), calendar, todo, alarms
    )


def the_todo(calendar: Calendar) -> Component:
    """The one VTODO of the body, beside VTIMEZONEs only."""
    others = [each.name for each in calendar.subcomponents if each.name not in ("VTODO", "VTIMEZONE")]
    if others:
        message = f"This calendar keeps tasks (VTODO) only, not {others[0]}"
        raise DavError(403, message, caldav("supported-calendar-component"))
    todos = calendar.walk("VTODO")
    if not todos:
        raise DavError(403, "The body holds no VTODO", caldav("supported-calendar-component"))
    if any("RECURRENCE-ID" in todo for todo in todos):
        message = (
            "A recurring task is one VTODO here: an occurrence override (RECURRENCE-ID) is not kept; "
            "complete the task itself, and its next occurrence follows"
        )
        raise DavError(403, message, caldav("valid-calendar-object-resource"))
    if len(todos) > 1:
        message = f"One task per resource: the body holds {len(todos)} VTODOs"
        raise DavError(403, message, caldav("valid-calendar-object-resource"))
    todo: Component = todos[0]
    return todo


def the_uid(todo: Component) -> str:
    value = todo.get("UID")
    if isinstance(value, list):
        raise DavError(403, "A VTODO has one UID", caldav("valid-calendar-object-resource"))
    uid = "" if value is None else str(value).strip()
    if not uid:
        raise DavError(403, "A VTODO needs a UID", caldav("valid-calendar-object-resource"))
    if len(uid) > MAX_UID_LENGTH or any(ord(ch) < 32 for ch in uid):
        message = f"A UID is at most {MAX_UID_LENGTH} characters, without control characters"
        raise DavError(403, message, caldav("valid-calendar-object-resource"))
    return uid


def is_parent(value: Any) -> bool:
    return str(getattr(value, "params", {}).get("RELTYPE", "PARENT")).upper() == "PARENT"


def single(todo: Component, name: str) -> Any:
    """A property given once (the first, when a client gave it twice)."""
    value = todo.get(name)
    return value[0] if isinstance(value, list) else value


def task_fields(calendar: Calendar, todo: Component, user_zone: str) -> dict[str, Any]:
    summary, description = single(todo, "SUMMARY"), single(todo, "DESCRIPTION")
    if summary is None:
        raise refused_value("SUMMARY: a task needs a title")
    status = str(single(todo, "STATUS") or "").upper()
    completed = status in ("COMPLETED", "CANCELLED") or (not status and "COMPLETED" in todo)
    fields: dict[str, Any] = {
        "title": str(summary),
        "description": None if description is None else str(description),
        "completed": completed,
        "priority": priority_name(single(todo, "PRIORITY")),
        "tags": categories(todo),
        "recurrence": recurrence(todo),
        "due_date": None,
    }
    due = due_of(calendar, single(todo, "DUE"), user_zone)
    if due is not None:
        fields["due_date"], fields["time_zone"] = due
    return fields


def priority_name(value: Any) -> str:
    number = 0 if value is None else int(value)
    if 1 <= number <= 4:
        return "high"
    return "low" if 6 <= number <= 9 else "medium"


def categories(todo: Component) -> list[str]:
    values = todo.get("CATEGORIES")
    found: list[str] = []
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        found += [str(each) for each in getattr(value, "cats", [value])]
    return found


def recurrence(todo: Component) -> str | None:
    value = todo.get("RRULE")
    if value is None:
        return None
    if isinstance(value, list):
        raise refused_value("RRULE: a task repeats by one rule")
    text: str = value.to_ical().decode()
    return text


def due_of(calendar: Calendar, prop: Any, user_zone: str) -> tuple[dt.datetime, str] | None:
    """DUE as an aware datetime, and the time zone the task keeps."""
    if prop is None:
        return None
    value = prop.dt
    if not isinstance(value, dt.datetime):  # a date: that day's end, where the user is
        return dt.datetime.combine(value, END_OF_DAY, tzinfo=zoneinfo.ZoneInfo(user_zone)), user_zone
    if value.tzinfo is None:  # floating, or a TZID the document does not define
        tzid = prop.params.get("TZID")
        zone = zone_of(calendar, tzid) if tzid else None
        return value.replace(tzinfo=zone or zoneinfo.ZoneInfo(user_zone)), user_zone
    key = getattr(value.tzinfo, "key", None)
    return value, key if key in zone_names() else user_zone


def is_reminder(alarm: Component, has_start: bool) -> bool:
    """A VALARM the service can fire: at a moment, or before DUE (RELATED=END, or relative to
    a start the VTODO does not have)."""
    trigger = alarm.get("TRIGGER")
    if trigger is None or isinstance(trigger, list):
        return False
    value = trigger.dt
    if isinstance(value, dt.timedelta):
        related = str(trigger.params.get("RELATED", "START")).upper()
        return value <= dt.timedelta(0) and (related == "END" or not has_start)
    return isinstance(value, dt.datetime)


def reminder_of(alarm: Component, user_zone: str) -> dict[str, str]:
    """A VALARM that `is_reminder` as the reminder it is (a floating moment in the user's zone)."""
    value: Any = alarm.get("TRIGGER").dt  # a timedelta or a datetime (`is_reminder`)
    if isinstance(value, dt.timedelta):
        return {"before": iso_duration(-value)}
    moment: dt.datetime = value if value.tzinfo else value.replace(tzinfo=zoneinfo.ZoneInfo(user_zone))
    return {"at": moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"}


def iso_duration(span: dt.timedelta) -> str:
    """`span` (not negative) as ISO 8601 days, hours, minutes and seconds: P1DT2H, PT15M."""
    seconds = int(span.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    text = f"P{f'{days}D' if days else ''}{f'T{clock}' if clock else ''}"
    return text if text != "P" else "PT0S"


def kept_text(calendar: Calendar, kept: Component) -> str | None:
    """The kept properties and components as a VCALENDAR of one VTODO, with the document's
    VTIMEZONEs for TZIDs the time zone database does not know (the service writes the others);
    None when nothing is kept."""
    if not kept.subcomponents and not [name for name, _ in kept.property_items(recursive=False)[1:-1]]:
        return None
    holder = Calendar()
    holder.add_component(kept)
    for tzid in sorted(holder.get_used_tzids()):
        if tzp.timezone(tzid) is None:
            holder.subcomponents[:0] = [
                each
                for each in calendar.walk("VTIMEZONE")
                if isinstance(each, Timezone) and each.tz_name == tzid
            ]
    text: str = holder.to_ical(sorted=False).decode()
    return text


# What each field is called in a VTODO, for the reasons of a refusal.
PROPERTY_NAMES = {
    "title": "SUMMARY",
    "description": "DESCRIPTION",
    "priority": "PRIORITY",
    "due_date": "DUE",
    "time_zone": "DUE's TZID",
    "tags": "CATEGORIES",
    "recurrence": "RRULE",
    "reminders": "VALARM",
    "completed": "STATUS",
}


def validated(body: dict[str, Any]) -> TaskCreate:
    try:
        return TaskCreate.model_validate(body)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        field = str(problem["loc"][0]) if problem["loc"] else ""
        raise refused_value(f"{PROPERTY_NAMES.get(field, field)}: {problem['msg']}") from None
