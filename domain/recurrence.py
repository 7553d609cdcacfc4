"""Recurrence rules (RFC 5545 RRULE values) and time zones: what a rule may say, and when a
series' next occurrence is.

Occurrences are computed in the task's local wall-clock time (naive datetimes in its
`time_zone`) and only then turned into UTC, so that "every Monday at 09:00" stays at 09:00
across daylight-saving changes. COUNT is applied here rather than by the search: it counts the
series' occurrences (each task records its number), while each next occurrence is computed from
the current one's due date (so a rescheduled occurrence moves the series with it). An UNTIL
that is a date includes that whole local day. Reading a rule is cheap (it runs while a request
is validated); searching for an occurrence (occurrences.py) runs only in database calls, and
never on the event loop's thread (`require_thread`).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources

from domain.occurrences import Pattern, SearchExhausted, after
from domain.unit_of_work import require_thread

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL")
MAX_RULE_LENGTH = 500
MAX_COUNT = 1000
MAX_INTERVAL = 1000
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class Rule:
    """A parsed rule: its parts, and the pattern of those other than COUNT and UNTIL."""

    def __init__(self, text: str) -> None:
        self.parts = parse_parts(text)
        self.count = int(self.parts["COUNT"]) if "COUNT" in self.parts else None
        self.pattern = pattern_of(self.parts)

    def occurrences(self, start: dt.datetime, zone: zoneinfo.ZoneInfo) -> Iterator[dt.datetime]:
        """The local occurrences strictly after `start` (a naive local time, the series'
        anchor), up to UNTIL; SearchExhausted when the search gives up (occurrences.py)."""
        return after(self.pattern, start, self.until(zone) if "UNTIL" in self.parts else None)

    def until(self, zone: zoneinfo.ZoneInfo) -> dt.datetime:
        """UNTIL as a naive local time: a date is the end of that day; a UTC time (Z) is
        converted; a time without Z is local already."""
        value = self.parts["UNTIL"]
        if len(value) == 8:
            return dt.datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59)
        if value.endswith("Z"):
            return local(dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ"), zone)
        return dt.datetime.strptime(value, "%Y%m%dT%H%M%S")


def parse_parts(text: str) -> dict[str, str]:
    """The rule's parts, each checked; ValueError for anything the service does not run.

    Besides each value's range, what makes a rule that never occurs whatever its start is
    refused here: a BYDAY ordinal or a BYSETPOS outside MONTHLY and YEARLY, and days of the
    month that none of the months has (the others are found by searching from the due date:
    `findable`)."""
    parts: dict[str, str] = {}
    for part in text.split(";"):
        key, equals, value = part.partition("=")
        if key not in PARTS:
            raise ValueError(f"{key or part!r} is not one of {', '.join(PARTS)}")
        if not equals or not value:
            raise ValueError(f"{key} needs a value")
        if key in parts:
            raise ValueError(f"{key} is given twice")
        parts[key] = value
    freq = parts.get("FREQ")
    if freq not in FREQUENCIES:
        raise ValueError("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("COUNT and UNTIL may not both be given")
    for key, most in (("COUNT", MAX_COUNT), ("INTERVAL", MAX_INTERVAL)):
        if key in parts:
            numbers(parts[key], key, 1, most, signed=False, several=False)
    months = numbers(parts.get("BYMONTH", "1,2,3,4,5,6,7,8,9,10,11,12"), "BYMONTH", 1, 12, signed=False)
    if "BYMONTHDAY" in parts:
        days = numbers(parts["BYMONTHDAY"], "BYMONTHDAY", 1, 31)
        if not any(abs(day) <= DAYS_IN_MONTH[month - 1] for month in months for day in days):
            raise ValueError("none of its months has those days")
    yearly_or_monthly = freq in ("MONTHLY", "YEARLY")
    for day in parts.get("BYDAY", "MO").split(","):
        ordinal, name = day[:-2], day[-2:]
        if name not in WEEKDAYS:
            raise ValueError(f"BYDAY {day!r} is not a day such as MO, 1MO or -1FR")
        if ordinal and not yearly_or_monthly:
            raise ValueError("BYDAY takes an ordinal (1MO, -1FR) only with FREQ=MONTHLY or YEARLY")
        if ordinal:
            in_year = freq == "YEARLY" and "BYMONTH" not in parts  # else it counts in a month
            numbers(ordinal, "a BYDAY ordinal", 1, 53 if in_year else 5, several=False)
    if "BYSETPOS" in parts:
        if not yearly_or_monthly or not ({"BYDAY", "BYMONTHDAY"} & parts.keys()):
            raise ValueError("BYSETPOS needs FREQ=MONTHLY or YEARLY and BYDAY or BYMONTHDAY")
        numbers(parts["BYSETPOS"], "BYSETPOS", 1, 366)
    if "UNTIL" in parts and not re.fullmatch(r"\d{8}(T\d{6}Z?)?", parts["UNTIL"]):
        raise ValueError("UNTIL must be a date (20271231) or a date-time (20271231T170000Z)")
    return parts


def pattern_of(parts: dict[str, str]) -> Pattern:
    """The checked parts (parse_parts) other than COUNT and UNTIL, as numbers."""

    def listed(key: str, most: int, signed: bool = True) -> frozenset[int]:
        return frozenset(numbers(parts[key], key, 1, most, signed)) if key in parts else frozenset()

    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    return Pattern(
        freq=parts["FREQ"],
        interval=int(parts.get("INTERVAL", "1")),
        months=listed("BYMONTH", 12, signed=False),
        weekdays=frozenset(WEEKDAYS.index(day) for day in days if len(day) == 2),
        nth_weekdays=frozenset((WEEKDAYS.index(day[-2:]), int(day[:-2])) for day in days if len(day) > 2),
        monthdays=listed("BYMONTHDAY", 31),
        setpos=tuple(sorted(listed("BYSETPOS", 366))),
    )


def numbers(
    text: str, what: str, least: int, most: int, signed: bool = True, several: bool = True
) -> list[int]:
    """Comma-separated whole numbers from `least` to `most` (or minus those, when `signed`)."""
    found = []
    for item in text.split(",") if several else [text]:
        digits = item[1:] if signed and item[:1] in "+-" and len(item) > 1 else item
        if not (digits.isascii() and digits.isdigit() and least <= int(digits) <= most):
            span = f"{least} to {most}" + (f" or -{most} to -{least}" if signed else "")
            raise ValueError(f"{what} must be {'whole numbers' if several else 'a whole number'} from {span}")
        found.append(-int(digits) if item.startswith("-") else int(digits))
    return found


@lru_cache(maxsize=1024)  # a pure check; the same few rules come again and again (imports)
def clean_rule(value: str | None) -> str | None:
    """The rule as stored: upper-case, without an `RRULE:` prefix or spaces; ValueError when
    it is not one the service runs. Whether it occurs after the task's due date is
    `findable` (asked in the database call that writes it)."""
    if value is None:
        return None
    text = value.strip().upper().removeprefix("RRULE:")
    if len(text) > MAX_RULE_LENGTH:
        raise ValueError(f"must be at most {MAX_RULE_LENGTH} characters")
    try:
        Rule(text)
    except ValueError as exc:
        raise ValueError(f"is not a valid RRULE: {exc}") from None
    return text


@cache
def zone_names() -> frozenset[str]:
    """IANA's zone and link names, as the tzdata package (which zoneinfo falls back on) lists
    them, without `Factory`, IANA's placeholder for a zone not set. What else zoneinfo finds on
    the system (`localtime`, a link to the machine's own zone) is no IANA name."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(listed) - {"Factory"}


def clean_time_zone(value: str | None) -> str | None:
    if value is not None and value not in zone_names():
        raise ValueError("must be an IANA time zone name, e.g. Europe/Paris or America/New_York")
    return value


def local(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A naive UTC datetime as naive wall-clock time in `zone`."""
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)


def to_utc(wall_clock: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `zone` as naive UTC (a time skipped by a change to summer
    time is taken with the offset before it, as zoneinfo's fold=0 does)."""
    return wall_clock.replace(tzinfo=zone).astimezone(dt.UTC).replace(tzinfo=None)


def next_occurrence(
    text: str, time_zone: str, due: dt.datetime, occurrence: int, completed_at: dt.datetime
) -> tuple[dt.datetime, int] | None:
    """The series' next occurrence after the one due at `due` (naive UTC; number `occurrence`)
    and after `completed_at`, as (naive UTC, its number); None when COUNT or UNTIL is used up,
    the calendar ends, or the search gives up (the series ends rather than searching on)."""
    require_thread()
    rule, zone = Rule(text), zoneinfo.ZoneInfo(time_zone)
    try:
        start, threshold = local(due, zone), local(max(due, completed_at), zone)
        for number, when in enumerate(rule.occurrences(start, zone), occurrence + 1):
            if rule.count is not None and number > rule.count:
                return None
            if when > threshold:
                return to_utc(when, zone), number
    except (SearchExhausted, OverflowError):  # OverflowError: beyond the first or last datetime
        return None
    return None


def findable(text: str, time_zone: str, due: dt.datetime) -> bool:
    """False when the search for the occurrence after `due` (naive UTC) gives up: the rule
    never occurs from that date (FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Thursday) or only
    decades later. A rule used up by COUNT or UNTIL is findable: it simply has no next one."""
    require_thread()
    zone = zoneinfo.ZoneInfo(time_zone)
    try:
        next(Rule(text).occurrences(local(due, zone), zone), None)
    except SearchExhausted:
        return False
    except OverflowError:  # the due date's local time is beyond the calendar: nothing after it
        pass
    return True
