"""calendar-query filters (RFC 4791 9.7) on a resource's components: comp-filter (by name,
is-not-defined, time-range, nested), prop-filter (is-not-defined, text-match, time-range,
param-filter), text-match with the i;ascii-casemap (default), i;unicode-casemap and i;octet
collations. A VTODO's time-range follows RFC 4791 9.9 (DTSTART, DURATION, DUE, COMPLETED,
CREATED); a recurring task is matched by the occurrence it is (not expanded).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from icalendar import Component

from dav.errors import DavError
from dav.names import caldav

COLLATIONS = ("i;ascii-casemap", "i;unicode-casemap", "i;octet")


def unsupported(message: str) -> DavError:
    return DavError(403, message, caldav("supported-filter"))


def check(filter_element: ET.Element) -> ET.Element:
    """The top comp-filter of a filter: VCALENDAR, as RFC 4791 wants."""
    comps = [child for child in filter_element if child.tag == caldav("comp-filter")]
    if len(comps) != 1 or comps[0].get("name", "").upper() != "VCALENDAR":
        raise DavError(403, "A filter holds one comp-filter named VCALENDAR", caldav("valid-filter"))
    return comps[0]


def matches_everything(top: ET.Element) -> bool:
    """VCALENDAR, maybe with a bare comp-filter VTODO: every task matches."""
    children = list(top)
    if not children:
        return True
    return (
        len(children) == 1
        and children[0].tag == caldav("comp-filter")
        and children[0].get("name", "").upper() == "VTODO"
        and not list(children[0])
    )


def comp_matches(component: Component, comp_filter: ET.Element) -> bool:
    """Whether `component` (already named as the filter says) passes the filter's tests."""
    for test in comp_filter:
        if test.tag == caldav("is-not-defined"):
            return False
        if test.tag == caldav("time-range") and not in_range(component, test):
            return False
        if test.tag == caldav("comp-filter"):
            name = test.get("name", "").upper()
            found = [each for each in component.subcomponents if each.name == name]
            if is_not_defined(test):
                if found:
                    return False
            elif not any(comp_matches(each, test) for each in found):
                return False
        if test.tag == caldav("prop-filter") and not prop_matches(component, test):
            return False
    return True


def is_not_defined(element: ET.Element) -> bool:
    return any(child.tag == caldav("is-not-defined") for child in element)


def prop_matches(component: Component, prop_filter: ET.Element) -> bool:
    name = prop_filter.get("name", "").upper()
    values = component.get(name)
    found = values if isinstance(values, list) else [] if values is None else [values]
    if is_not_defined(prop_filter):
        return not found
    if not found:
        return False
    return any(value_matches(value, prop_filter) for value in found)


def value_matches(value: Any, prop_filter: ET.Element) -> bool:
    for test in prop_filter:
        if test.tag == caldav("text-match") and not text_matches(texts(value), test):
            return False
        if test.tag == caldav("time-range") and not moment_in(getattr(value, "dt", None), test):
            return False
        if test.tag == caldav("param-filter") and not param_matches(value, test):
            return False
    return True


def param_matches(value: Any, param_filter: ET.Element) -> bool:
    params = getattr(value, "params", {})
    name = param_filter.get("name", "").upper()
    if is_not_defined(param_filter):
        return name not in params
    if name not in params:
        return False
    tests = [child for child in param_filter if child.tag == caldav("text-match")]
    return all(text_matches([str(params[name])], test) for test in tests)


def texts(value: Any) -> list[str]:
    """A property's text: each category of CATEGORIES, else its one value."""
    if hasattr(value, "cats"):
        return [str(each) for each in value.cats]
    if isinstance(value, str):
        return [str(value)]
    to_ical = getattr(value, "to_ical", None)
    return [to_ical().decode() if to_ical is not None else str(value)]


def text_matches(candidates: list[str], test: ET.Element) -> bool:
    collation = test.get("collation", "i;ascii-casemap")
    if collation not in COLLATIONS:
        raise DavError(403, f"The collation {collation} is not supported", caldav("supported-collation"))
    wanted = test.text or ""
    negate = test.get("negate-condition", "no") == "yes"
    found = any(contains(candidate, wanted, collation) for candidate in candidates)
    return found != negate


def contains(text: str, wanted: str, collation: str) -> bool:
    if collation == "i;octet":
        return wanted in text
    if collation == "i;unicode-casemap":
        return wanted.casefold() in text.casefold()
    return ascii_lower(wanted) in ascii_lower(text)


def ascii_lower(text: str) -> str:
    return "".join(chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in text)


def bounds(time_range: ET.Element) -> tuple[dt.datetime, dt.datetime]:
    """A time-range's start and end (each may be left out: open)."""
    start, end = time_range.get("start"), time_range.get("end")
    if start is None and end is None:
        raise DavError(400, "A time-range has a start, an end or both", caldav("valid-filter"))
    return (
        parse_utc(start) if start else dt.datetime.min.replace(tzinfo=dt.UTC),
        parse_utc(end) if end else dt.datetime.max.replace(tzinfo=dt.UTC),
    )


def parse_utc(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise DavError(
            400, f"{text!r} is not a UTC date-time such as 20261201T000000Z", caldav("valid-filter")
        ) from None


def as_utc(value: Any) -> dt.datetime | None:
    """A property's date or date-time as UTC (a date, or a floating time, taken as UTC)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    return None


def moment_in(value: Any, time_range: ET.Element) -> bool:
    moment = as_utc(value)
    if moment is None:
        return False
    start, end = bounds(time_range)
    return start <= moment < end


def date_of(component: Component, name: str) -> dt.datetime | None:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0]
    return None if value is None else as_utc(getattr(value, "dt", None))


def in_range(component: Component, time_range: ET.Element) -> bool:
    """A component in a time-range: a VTODO by RFC 4791 9.9, a VALARM by its absolute trigger,
    anything else by its DTSTART (or, without one, always)."""
    start, end = bounds(time_range)
    if component.name == "VALARM":
        trigger = component.get("TRIGGER")
        moment = as_utc(getattr(trigger, "dt", None))
        if moment is None:
            raise unsupported("A time-range on a relative VALARM trigger is not supported")
        return start <= moment < end
    if component.name != "VTODO":
        begin = date_of(component, "DTSTART")
        return begin is None or (start <= begin < end)
    return todo_in_range(component, start, end)


def todo_in_range(todo: Component, start: dt.datetime, end: dt.datetime) -> bool:
    begin, due = date_of(todo, "DTSTART"), date_of(todo, "DUE")
    completed, created = date_of(todo, "COMPLETED"), date_of(todo, "CREATED")
    duration = todo.get("DURATION")
    span = getattr(duration, "dt", None) if duration is not None else None
    if begin is not None and isinstance(span, dt.timedelta):
        finish = begin + span
        return start <= finish and (end > begin or end >= finish)
    if begin is not None and due is not None:
        return (start < due or start <= begin) and (end > begin or end >= due)
    if begin is not None:
        return start <= begin < end
    if due is not None:
        return start < due <= end
    if completed is not None and created is not None:
        return (start <= created or start <= completed) and (end >= created or end >= completed)
    if completed is not None:
        return start <= completed <= end
    if created is not None:
        return end > created
    return True
