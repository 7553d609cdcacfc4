"""Dates as other apps write them, made into the service's: a due date is a naive UTC datetime,
and a date without a time is that day's end (23:59:59) where the task is, as the CalDAV door
keeps a VTODO's `DUE;VALUE=DATE`."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from domain.recurrence import to_utc, zone_names

END_OF_DAY = dt.time(23, 59, 59)
# ISO 8601 as apps write it: a date, then maybe a time (after T, a space, or " at "), then
# maybe an offset (Z, +01:00, +0100).
ISO_MOMENT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:(?:T| | at )(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<offset>Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def zone_of(name: str, default: str) -> zoneinfo.ZoneInfo:
    """The IANA zone `name`, or `default`'s when `name` is empty or no zone's name."""
    return zoneinfo.ZoneInfo(name if name in zone_names() else default)


def end_of_day(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return to_utc(dt.datetime.combine(day, END_OF_DAY), zone)


def iso_due(text: str, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, bool] | None:
    """The due date `text` says in ISO 8601 (a time without an offset is the zone's wall-clock
    time), and whether it is a date alone; None when it is not ISO 8601 or no real date."""
    found = ISO_MOMENT.fullmatch(text.strip())
    if found is None:
        return None
    try:
        day = dt.date.fromisoformat(found["date"])
        if found["time"] is None:
            return end_of_day(day, zone), True
        clock = dt.time.fromisoformat(found["time"].zfill(5) if len(found["time"]) == 4 else found["time"])
        moment = dt.datetime.combine(day, clock)
        offset = found["offset"]
        if offset is None:
            return to_utc(moment, zone), False
        aware = dt.datetime.fromisoformat(
            f"{moment.isoformat()}{'+00:00' if offset.upper() == 'Z' else offset}"
        )
        return aware.astimezone(dt.UTC).replace(tzinfo=None), False
    except (ValueError, OverflowError):
        return None


def utc_moment(text: str) -> dt.datetime | None:
    """An ISO 8601 timestamp with its offset (`2022-10-09T15:09:48+0000`) as naive UTC; None
    when it is not one."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        return None
