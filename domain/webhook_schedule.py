"""When a failed delivery is tried again, and when a webhook is given up."""

from __future__ import annotations

import datetime as dt

# After the first failed attempt at an event, then the second, ...; then once a day.
DELAYS = (
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=10),
    dt.timedelta(hours=1),
    dt.timedelta(hours=6),
)
DAILY = dt.timedelta(days=1)
GIVE_UP_AFTER = dt.timedelta(days=3)  # of failing: the webhook is marked inactive


def next_attempt(failed_attempts: int, now: dt.datetime) -> dt.datetime:
    """When to try again after `failed_attempts` (1 or more) failed attempts in a row."""
    return now + (DELAYS[failed_attempts - 1] if failed_attempts <= len(DELAYS) else DAILY)


def given_up(failing_since: dt.datetime, now: dt.datetime) -> bool:
    return now - failing_since >= GIVE_UP_AFTER
