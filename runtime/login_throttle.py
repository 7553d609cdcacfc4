"""Failed-login throttling, per account and per client address: the keys an attempt counts on,
and the attempts' place in a request (the counting itself is `domain.throttle`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.requests import Request

from domain.errors import Forbidden, TooManyAttempts, Unauthenticated
from domain.throttle import LoginKeys, account_for_login, attempt_succeeded, count_attempt
from models import User
from runtime import calls
from runtime.services import services_of
from settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


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


async def counted(request: Request, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work`, which counts a login attempt first (`count_attempt`), in a write; with metrics,
    an attempt refused with 429 is counted there too."""
    try:
        return await calls.write(request, work, *args, **kwargs)
    except TooManyAttempts:
        if (metrics := services_of(request).metrics) is not None:
            metrics.login_throttled.inc()
        raise


async def sign_in(request: Request, email: str, password: str) -> User:
    """The account `email` and `password` open, as a login attempt counted and limited
    (TooManyAttempts); Unauthenticated, with one message whether the email exists or not, and
    after about as long, otherwise. What logging in does, at /api/auth/login and on the OAuth
    consent page."""
    services = services_of(request)
    keys = login_keys(request, email, services.settings)
    user = await counted(request, account_for_login, email, keys)
    hashed = user.password_hash if user is not None else None
    verified = await services.passwords.verify(password, hashed)  # as long with no account
    if user is None or not verified:
        raise Unauthenticated("Incorrect email or password")
    await calls.write(request, attempt_succeeded, keys)
    return user


async def confirm_password(request: Request, user: User, password: str, detail: str) -> None:
    """Forbidden unless `password` is the user's; attempts count, and are limited, as logins are."""
    services = services_of(request)
    keys = login_keys(request, user.email or user.id, services.settings)
    await counted(request, count_attempt, keys)
    if not await services.passwords.verify(password, user.password_hash):
        raise Forbidden(detail)
    await calls.write(request, attempt_succeeded, keys)
