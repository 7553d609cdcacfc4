"""What is known of the request being handled, wherever its work runs (handlers, database
threads, log records): set once per request by `RequestMiddleware`.

A context variable, so every task and worker thread of one request sees that request's own
values (anyio copies the context into the threads it runs work in).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestInfo:
    id: str
    user_id: str | None = None  # the token's subject, once `authenticate` has verified it
    status: int | None = None  # the response's, once it has begun


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


def note_user(user_id: str) -> None:
    """Record who the request is for (the access log line and nothing else reads it)."""
    if (info := current_request.get()) is not None:
        info.user_id = user_id
