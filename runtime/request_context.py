"""What is known of the request being handled, wherever its work runs (handlers, database
threads, log records): set once per request by the app's `RequestMiddleware`.

A context variable, so every task and worker thread of one request sees that request's own
values (anyio copies the context into the threads it runs work in).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import Scope

from domain.views import DEFAULT_ROOT


@dataclass(slots=True)
class RequestInfo:
    id: str
    user_id: str | None = None  # the token's subject, once `authenticate` has verified it
    status: int | None = None  # the response's, once it has begun
    scope: Scope | None = None  # the request's ASGI scope (its proxy headers applied)

    def root_url(self) -> str:
        """The service's URL as this request reached it."""
        return DEFAULT_ROOT if self.scope is None else str(Request(self.scope).base_url)


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


def note_user(user_id: str) -> None:
    """Record who the request is for (the access log line and nothing else reads it)."""
    if (info := current_request.get()) is not None:
        info.user_id = user_id
