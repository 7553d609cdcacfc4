"""Webhooks as the API shows them, shared by the webhook handlers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request

from domain.events import EVENT_TYPES
from domain.schemas import EventName
from domain.views import iso
from handlers.http.errors import not_found, validation_error
from models import Webhook, WebhookAttempt

if set(EventName.__args__) != {"*", *EVENT_TYPES}:  # type: ignore[attr-defined]
    raise AssertionError("EventName must list domain/events.py's types")


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
