"""Todoist's recurring dates in English ("every monday", "every 2 weeks", "every 15th at 9am")
as RFC 5545 RRULEs, written by `icalendar`, and the first due date of each.

What is read: `every`, `every!` (Todoist: counted from the completion; here from the due date,
which the caller is told), `daily`, `weekly`, `monthly`, `yearly`, `annually`; then one of:
a unit with an optional count or `other` (`day`, `2 weeks`, `other month`, `year`),
`weekday`/`workday`, `weekend`, weekdays (`mon, wed and fri`, `other tuesday`), days of the
month (`1st`, `15th`, `last day`), the nth weekday of the month (`first monday`, `last fri`),
or a date of the year (`jan 27`, `27 january`); then optionally a time (`at 9am`, `18:30`).
Anything else (`every day starting jan 1`, another language) is not read: None.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from itertools import islice
from typing import Any

from domain.imports.dates import END_OF_DAY
from domain.recurrence import Rule, to_utc

WEEKDAYS = {
    "mo": "MO", "mon": "MO", "monday": "MO",
    "tu": "TU", "tue": "TU", "tues": "TU", "tuesday": "TU",
    "we": "WE", "wed": "WE", "weds": "WE", "wednesday": "WE",
    "th": "TH", "thu": "TH", "thur": "TH", "thurs": "TH", "thursday": "TH",
    "fr": "FR", "fri": "FR", "friday": "FR",
    "sa": "SA", "sat": "SA", "saturday": "SA",
    "su": "SU", "sun": "SU", "sunday": "SU",
}  # fmt: skip
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        1,
    )
    for name in names
}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
UNITS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
ADVERBS = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
}
CLOCK = re.compile(r"(?:\s+at)?\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
NUMBERED_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


@dataclass(frozen=True)
class Repeat:
    """A rule, its first due date (naive UTC), and whether the phrase counted from completion."""

    rule: str
    due: dt.datetime
    from_completion: bool


@functools.lru_cache(maxsize=512)  # a file repeats its phrases: each is worked out once
def repeat_of(text: str, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> Repeat | None:
    """The rule `text` says and its first occurrence from today (where `zone` is) on; None
    when it is not a phrase this module reads."""
    phrase = " ".join(text.lower().replace(",", " , ").split())
    from_completion = phrase.startswith("every!")
    if from_completion:
        phrase = "every " + phrase.removeprefix("every!").strip()
    clock, words = split_clock(phrase)
    if words is None:
        return None
    if words in ADVERBS:
        parts: dict[str, Any] | None = {"FREQ": ADVERBS[words]}
    elif words.startswith("every "):
        parts = parts_of(words.removeprefix("every ").split())
    else:
        parts = None
    if parts is None:
        return None
    rule = rule_text(parts)
    due = first_due(rule, clock, zone, now)
    return None if due is None else Repeat(rule, due, from_completion)


def rule_text(parts: dict[str, Any]) -> str:
    """RRULE parts as the rule's text, written by icalendar."""
    from icalendar import vRecur  # on first use: a worker that imports nothing need not load it

    text: bytes = vRecur(parts).to_ical()  # type: ignore[no-untyped-call]  # icalendar has no annotations here
    return text.decode()


def split_clock(phrase: str) -> tuple[dt.time | None, str | None]:
    """The time at the phrase's end (`at 9am`, `18:30`), and the phrase without it; None for
    the phrase when the time is no time of day."""
    found = CLOCK.search(phrase)
    if found is None or (found[2] is None and found[3] is None and " at " not in found[0]):
        return None, phrase
    hour, minute = int(found[1]), int(found[2] or 0)
    if found[3] is not None:
        if not 1 <= hour <= 12:
            return None, None
        hour = hour % 12 + (12 if found[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None, None
    return dt.time(hour, minute), phrase[: found.start()].strip()


def parts_of(words: list[str]) -> dict[str, Any] | None:
    """The RRULE parts of what follows `every`."""
    if yearly := day_of_year(words):
        return yearly
    interval = 1
    if words[:1] == ["other"]:
        interval, words = 2, words[1:]
    elif words[:1] and words[0].isdigit():
        interval, words = int(words[0]), words[1:]
    if not words or not 1 <= interval <= 1000:
        return None
    unit = words[0].removesuffix("s") if len(words) == 1 else None
    if unit in UNITS:
        return with_interval({"FREQ": UNITS[unit]}, interval)
    if words in (["weekday"], ["workday"]):
        return with_interval({"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"]}, interval)
    if words == ["weekend"]:
        return with_interval({"FREQ": "WEEKLY", "BYDAY": ["SA", "SU"]}, interval)
    if (days := weekdays(words)) is not None:
        return with_interval({"FREQ": "WEEKLY", "BYDAY": days}, interval)
    if interval != 1:
        return None
    return day_of_month(words)


def with_interval(parts: dict[str, Any], interval: int) -> dict[str, Any]:
    return {**parts, "INTERVAL": interval} if interval > 1 else parts


def weekdays(words: list[str]) -> list[str] | None:
    """`mon , wed and fri` as ["MO", "WE", "FR"]; None unless every word is a weekday."""
    days = [WEEKDAYS.get(word.removesuffix("s")) for word in words if word not in (",", "and")]
    if not days or any(day is None for day in days):
        return None
    return list(dict.fromkeys(day for day in days if day is not None))


def day_of_month(words: list[str]) -> dict[str, Any] | None:
    """`15th`, `last day`, `first monday`, `last fri` (monthly)."""
    if len(words) == 1 and (found := NUMBERED_DAY.fullmatch(words[0])) and 1 <= int(found[1]) <= 31:
        return {"FREQ": "MONTHLY", "BYMONTHDAY": int(found[1])}
    if len(words) != 2:
        return None
    first, second = words
    ordinal = ORDINALS.get(first)
    if ordinal is None and (found := NUMBERED_DAY.fullmatch(first)) and int(found[1]) <= 5:
        ordinal = int(found[1])
    if ordinal is None:
        return None
    if second == "day":
        return {"FREQ": "MONTHLY", "BYMONTHDAY": ordinal}
    day = WEEKDAYS.get(second)
    return None if day is None else {"FREQ": "MONTHLY", "BYDAY": f"{ordinal}{day}"}


def day_of_year(words: list[str]) -> dict[str, Any] | None:
    """`jan 27`, `27 january`, `january 27th` (yearly)."""
    if len(words) != 2:
        return None
    month_word, day_word = words if words[0] in MONTHS else words[::-1]
    found = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", day_word)
    if month_word not in MONTHS or found is None:
        return None
    month, day = MONTHS[month_word], int(found[1])
    if not 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        return None
    return {"FREQ": "YEARLY", "BYMONTH": month, "BYMONTHDAY": day}


def first_due(
    rule: str, clock: dt.time | None, zone: zoneinfo.ZoneInfo, now: dt.datetime
) -> dt.datetime | None:
    """The rule's first occurrence on or after today where `zone` is, at `clock` (none: the
    day's end, as a date alone): today itself for a rule that says no day (`every 2 weeks`)."""
    today = now.replace(tzinfo=dt.UTC).astimezone(zone).date()
    start = dt.datetime.combine(today, clock or END_OF_DAY)
    parsed = Rule(rule)
    if not {"BYDAY", "BYMONTHDAY", "BYMONTH"} & parsed.parts.keys():
        return to_utc(start, zone)
    found = list(islice(parsed.occurrences(start - dt.timedelta(days=1), zone), 1))
    return to_utc(found[0], zone) if found else None
