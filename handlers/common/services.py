"""What handlers share at run time, built once at start-up and reached through the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import peewee
from starlette.requests import Request

from handlers.common.jwks import JWKSCache
from handlers.common.passwords import PasswordHasher
from handlers.common.tokens import TokenService
from settings import Settings

if TYPE_CHECKING:
    from handlers.common.endpoint import Endpoint


@dataclass
class Services:
    settings: Settings
    db: peewee.Database
    tokens: TokenService
    passwords: PasswordHasher
    db_limiter: anyio.CapacityLimiter
    endpoints: tuple[Endpoint, ...] = field(default=())
    version: str = "1.0.0"
    openapi: dict[str, Any] | None = None


def build_services(settings: Settings, db: peewee.Database, endpoints: tuple[Endpoint, ...] = ()) -> Services:
    """Must run inside the event loop (the limiters belong to it)."""
    jwks = JWKSCache(settings.jwks_url) if settings.jwks_url else None
    return Services(
        settings=settings,
        db=db,
        tokens=TokenService(settings, jwks),
        passwords=PasswordHasher(settings.bcrypt_rounds),
        db_limiter=anyio.CapacityLimiter(settings.db_pool_size),
        endpoints=endpoints,
    )


def services_of(request: Request) -> Services:
    """The services the app's lifespan put in the request's state (a test may put its own)."""
    return request.state.services
