"""Reminders as a task holds them: `{"at": <datetime>}` or `{"before": <ISO 8601 duration>}`,
and when each one fires."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from typing import Any

MAX_REMINDERS = 5
MAX_BEFORE = dt.timedelta(days=30)
# Weeks, days, hours, minutes and seconds: years and months have no fixed length.
DURATION = re.compile(
    r"^P(?!$)(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?=\d)(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,7})S)?)?$"
)
DURATION_PATTERN = DURATION.pattern


def parse_duration(text: str) -> dt.timedelta:
    found = DURATION.match(text)
    if found is None:
        raise ValueError(
            "must be an ISO 8601 duration in weeks, days, hours, minutes or seconds, e.g. PT15M or P1D"
        )
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def clean_before(text: str) -> str:
    if parse_duration(text) > MAX_BEFORE:
        raise ValueError("must be at most 30 days (P30D)")
    return text


def stored(specs: list[dict[str, str]]) -> str | None:
    """The task's `reminders` column: JSON, or null for none."""
    return json.dumps(specs, separators=(",", ":")) if specs else None


def shown(column: str | None) -> list[dict[str, str]]:
    specs: list[dict[str, str]] = json.loads(column) if column else []
    return specs


def fire_time(spec: dict[str, str], due: dt.datetime | None) -> dt.datetime | None:
    """When `spec` fires (naive UTC); None for a `before` without a due date."""
    if "at" in spec:
        return dt.datetime.fromisoformat(spec["at"]).astimezone(dt.UTC).replace(tzinfo=None)
    try:
        return None if due is None else due - parse_duration(spec["before"])
    except OverflowError:  # before the first datetime: it never fires
        return None


def shifted(column: str | None, by: dt.timedelta) -> str | None:
    """The reminders of a next occurrence: each `at` moved as far as the due date moved."""
    specs: list[dict[str, Any]] = []
    for spec in shown(column):
        if "at" in spec:
            with contextlib.suppress(OverflowError):  # past the last datetime: it stays
                moved = dt.datetime.fromisoformat(spec["at"]).replace(tzinfo=None) + by
                spec = {"at": moved.isoformat() + "Z"}
        specs.append(spec)
    return stored(specs)
