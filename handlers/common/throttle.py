"""Failed-login throttling, per account and per client address, counted in the database.

An attempt is counted before its password is checked, in one write transaction that also
answers 429 (with `Retry-After`, and no bcrypt work) when a key is over its limit: so a burst of
parallel guesses cannot all pass the check before any of them is counted. A success takes its
count back: the account's count is cleared, the client's lowered by one (so one good account
cannot launder an address).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import peewee
from starlette.requests import Request

from handlers.common import db
from handlers.common.errors import ApiError
from handlers.common.services import services_of
from models import LoginThrottle, User, bound_database, utc_now
from settings import Settings

PURGE_BATCH = 10
P = ParamSpec("P")
T = TypeVar("T")


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


def login_keys(request: Request, account: str, settings: Settings) -> LoginKeys:
    """Keys of a fixed size whatever was sent: a hash of the account, the client's address."""
    return LoginKeys(
        account="account:" + hashlib.sha256(account.encode()).hexdigest(),
        client=f"client:{client_address(request)}",
        account_limit=settings.login_max_failures,
        client_limit=settings.login_max_failures_per_client,
        window=dt.timedelta(seconds=settings.login_window_seconds),
    )


def client_address(request: Request) -> str:
    """The client's IP address (from a trusted proxy's X-Forwarded-For), or "unknown"."""
    host = request.client.host if request.client else ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return "unknown"


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
        raise ApiError(429, "Too many failed attempts; try again later", {"Retry-After": str(retry_after)})


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


async def counted(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work`, which counts a login attempt first (`count_attempt`), in a write; with metrics,
    an attempt refused with 429 is counted there too."""
    try:
        return await db.write(request, work, *args, **kwargs)
    except ApiError as exc:
        metrics = services_of(request).metrics
        if exc.status == 429 and metrics is not None:
            metrics.login_throttled.inc()
        raise


async def confirm_password(request: Request, user: User, password: str, detail: str) -> None:
    """403 unless `password` is the user's; attempts count, and are limited, as logins are."""
    services = services_of(request)
    keys = login_keys(request, user.email or user.id, services.settings)
    await counted(request, count_attempt, keys)
    if not await services.passwords.verify(password, user.password_hash):
        raise ApiError(403, detail)
    await db.write(request, attempt_succeeded, keys)
