"""Failed-login throttling, per account and per client address, counted in the database.

Before a password is checked, a key over its limit in the current window answers 429 with
`Retry-After` (and no bcrypt work). A failure counts against both keys; a success clears the
account's count (not the client's, so one good account cannot launder an address).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import peewee
from starlette.requests import Request

from handlers.common import db
from handlers.common.errors import ApiError
from handlers.common.services import services_of
from models import LoginThrottle, User, utc_now
from settings import Settings


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


def login_keys(request: Request, email: str, settings: Settings) -> LoginKeys:
    client = request.client.host if request.client else "unknown"
    return LoginKeys(
        account=f"account:{email}",
        client=f"client:{client}",
        account_limit=settings.login_max_failures,
        client_limit=settings.login_max_failures_per_client,
        window=dt.timedelta(seconds=settings.login_window_seconds),
    )


def seconds_blocked(keys: LoginKeys) -> int:
    """Seconds until the attempt may be made, 0 when it may be made now (run in a db call)."""
    now = utc_now()
    rows = LoginThrottle.select().where(
        LoginThrottle.key.in_(list(keys.limits())) & (LoginThrottle.window_start > now - keys.window)
    )
    waits = [
        (row.window_start + keys.window - now).total_seconds()
        for row in rows
        if row.failures >= keys.limits()[row.key]
    ]
    return math.ceil(max(waits)) if waits else 0


def check_not_blocked(keys: LoginKeys) -> None:
    if wait := seconds_blocked(keys):
        raise ApiError(429, "Too many failed attempts; try again later", {"Retry-After": str(wait)})


def record_failure(keys: LoginKeys) -> None:
    """Count a failure on both keys; a count older than the window starts again at 1."""
    now = utc_now()
    expired = LoginThrottle.window_start <= now - keys.window
    for key in keys.limits():
        LoginThrottle.insert(key=key, failures=0, window_start=now).on_conflict_ignore().execute()
        LoginThrottle.update(
            failures=peewee.Case(None, [(expired, 1)], LoginThrottle.failures + 1),
            window_start=peewee.Case(None, [(expired, now)], LoginThrottle.window_start),
        ).where(LoginThrottle.key == key).execute()


def clear_account(keys: LoginKeys) -> None:
    LoginThrottle.delete().where(LoginThrottle.key == keys.account).execute()


async def confirm_password(request: Request, user: User, password: str, detail: str) -> None:
    """403 unless `password` is the user's; failures count, and are limited, as logins are."""
    services = services_of(request)
    keys = login_keys(request, user.email or user.id, services.settings)
    await db.read(request, check_not_blocked, keys)
    if not await services.passwords.verify(password, user.password_hash):
        await db.write(request, record_failure, keys)
        raise ApiError(403, detail)
