"""Counting login attempts, per account and per client address (inside a database call).

An attempt is counted before its password is checked, in one write transaction that also
answers 429 (with `Retry-After`, and no bcrypt work) when a key is over its limit: so a burst of
parallel guesses cannot all pass the check before any of them is counted. A success takes its
count back: the account's count is cleared, the client's lowered by one (so one good account
cannot launder an address).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import peewee

from domain.errors import TooManyAttempts
from models import LoginThrottle, User, bound_database, utc_now

PURGE_BATCH = 10


@dataclass(frozen=True)
class LoginKeys:
    """The counters a login attempt touches, each with its limit."""

    account: str
    client: str
    account_limit: int
    client_limit: int
    window: dt.timedelta

    def limits(self) -> dict[str, int]:
        return {self.account: self.account_limit, self.client: self.client_limit}


def count_attempt(keys: LoginKeys) -> None:
    """Count an attempt on both keys, or 429 when one is already at its limit (run in a write)."""
    now = utc_now()
    purge_expired(now - keys.window, keep=list(keys.limits()))
    for key in keys.limits():
        increment(key, now, keys.window)
    rows = LoginThrottle.select().where(LoginThrottle.key.in_(list(keys.limits())))
    waits = [
        (row.window_start + keys.window - now).total_seconds()
        for row in rows
        if row.failures > keys.limits()[row.key]
    ]
    if waits:  # raising rolls the counts back: a refused attempt does not count
        retry_after = max(1, math.ceil(max(waits)))
        raise TooManyAttempts("Too many failed attempts; try again later", retry_after)


def purge_expired(cutoff: dt.datetime, keep: list[str]) -> None:
    """Delete up to PURGE_BATCH rows whose window ended before `cutoff`. Each attempt adds at
    most two rows and removes up to this many old ones, so the table holds little more than the
    keys active within one window, however many emails and addresses a client rotates through.
    (Select, then delete by key: a LIMIT in DELETE or in an IN subquery is not portable.)"""
    expired = LoginThrottle.window_start <= cutoff
    candidates = LoginThrottle.select(LoginThrottle.key).where(expired & LoginThrottle.key.not_in(keep))
    stale = [row.key for row in candidates.order_by(LoginThrottle.window_start).limit(PURGE_BATCH)]
    if stale:
        LoginThrottle.delete().where(LoginThrottle.key.in_(stale) & expired).execute()


def increment(key: str, now: dt.datetime, window: dt.timedelta) -> None:
    """Add one to `key`'s count, starting again at 1 when its window has passed.

    The row is updated first (an exclusive lock at once), inserted only when missing; an insert
    that meets one made a moment ago by another request falls back to the update. (Insert-or-
    ignore then update deadlocks on MySQL: both take a shared lock, then both want it exclusive.)
    """
    expired = LoginThrottle.window_start <= now - window
    update = LoginThrottle.update(
        failures=peewee.Case(None, [(expired, 1)], LoginThrottle.failures + 1),
        window_start=peewee.Case(None, [(expired, now)], LoginThrottle.window_start),
    ).where(LoginThrottle.key == key)
    if update.execute():
        return
    try:
        with bound_database().atomic():  # a savepoint: PostgreSQL survives the conflict
            LoginThrottle.insert(key=key, failures=1, window_start=now).execute()
    except peewee.IntegrityError:
        update.execute()


def attempt_succeeded(keys: LoginKeys) -> None:
    LoginThrottle.delete().where(LoginThrottle.key == keys.account).execute()
    client = (LoginThrottle.key == keys.client) & (LoginThrottle.failures > 0)
    LoginThrottle.update(failures=LoginThrottle.failures - 1).where(client).execute()


def account_for_login(email: str, keys: LoginKeys) -> User | None:
    """Count the attempt (429 over the limits), then the account to check the password against."""
    count_attempt(keys)
    return User.get_or_none(User.email == email)
