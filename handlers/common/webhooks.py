"""Webhooks as the API shows them, shared by the webhook handlers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field
from starlette.requests import Request

from events.registry import EVENT_TYPES
from handlers.common.errors import not_found, validation_error
from handlers.common.responses import iso
from models import Webhook, WebhookAttempt

EventName = Literal[
    "*",
    "task.created",
    "task.updated",
    "task.completed",
    "task.reopened",
    "task.deleted",
    "list.created",
    "list.updated",
    "list.deleted",
    "reminder.due",
]
if set(EventName.__args__) != {"*", *EVENT_TYPES}:  # type: ignore[attr-defined]
    raise AssertionError("EventName must list events/registry.py's types")


def one_way(names: list[EventName]) -> list[EventName]:
    """`["*"]` when it is named (every type, whatever else is), or the types named once each."""
    return ["*"] if "*" in names else list(dict.fromkeys(names))


class WebhookCreate(BaseModel):
    url: str = Field(
        max_length=2000, pattern=r"^https?://\S+$", description="http:// or https:// to a public address"
    )
    events: Annotated[list[EventName], Field(min_length=1, max_length=10), AfterValidator(one_way)] = ["*"]


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[EventName]
    created_at: dt.datetime
    active: bool = Field(description="false once deliveries have failed for 3 days")


class CreatedWebhookOut(WebhookOut):
    secret: str = Field(description="whsec_...: shown in this answer only; verify signatures with it")


class AttemptOut(BaseModel):
    event_id: str
    type: str
    attempt: int
    status_code: int | None
    error: str | None
    at: dt.datetime
    next_attempt_at: dt.datetime | None


def webhook_id_from_path(request: Request) -> int:
    """The `{webhook_id}`: 422 when not an integer, 404 when out of any id's range."""
    raw = request.path_params["webhook_id"]
    if not raw.isascii() or not raw.isdigit():
        raise validation_error(("path", "webhook_id"), "Input should be a valid integer", "int_parsing")
    if not 1 <= int(raw) < 2**63:
        raise not_found("Webhook not found")
    return int(raw)


def webhook_json(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events.split(),
        "created_at": iso(webhook.created_at),
        "active": bool(webhook.active),
    }


def attempt_json(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "event_id": str(attempt.event_id),
        "type": attempt.type,
        "attempt": attempt.attempt,
        "status_code": attempt.status_code,
        "error": attempt.error,
        "at": iso(attempt.at),
        "next_attempt_at": iso(attempt.next_attempt_at),
    }
