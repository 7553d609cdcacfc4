"""The metadata each handler module declares: its routes, and what OpenAPI says about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from settings import Settings


def max_body_bytes(settings: Settings) -> int:
    return settings.max_body_bytes


@dataclass(frozen=True)
class Endpoint:
    """One operation. `paths` are full paths; the router mounts the handler on each."""

    method: str
    paths: tuple[str, ...]
    summary: str
    operation_id: str
    tag: str
    status: int = 200
    # A pydantic model, `list[Model]`, or None when the response has no JSON body.
    response: Any = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    form: type[BaseModel] | None = None  # also accepted as application/x-www-form-urlencoded
    # Other media types the body may have, as files (an import's ZIP or CSV), beside JSON.
    file_types: tuple[str, ...] = ()
    # The largest body the operation reads (the handler's and Idempotency-Key's reading).
    body_limit: Callable[[Settings], int] = max_body_bytes
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    auth: bool = True
    # What the caller's token must allow (tokens.TASKS_READ, TASKS_WRITE or ACCOUNT): the
    # handler passes it to `authenticate`; None: any valid token.
    scope: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    description: str = ""
    media_type: str = "application/json"
    # The conditional header the operation honours: "if-match" (writes) or "if-none-match" (reads).
    conditional: str | None = None

    # False for an answer that must not be stored (it holds a secret shown once).
    replayable: bool = True

    @property
    def takes_idempotency_key(self) -> bool:
        """Every authenticated POST and PATCH whose answer may be kept (idempotency.py)."""
        return self.auth and self.replayable and self.method in ("POST", "PATCH")
