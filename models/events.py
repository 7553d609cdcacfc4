"""The outbox (every change's events, written in the change's transaction), the one-use tickets
browsers open event streams with, and webhooks with their delivery log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel
from models.changes import BodyField
from models.user import User


class Event(BaseModel):
    """One event of a user. Its id is the public event id: ids grow in the order the user's
    changes commit (each change holds the user's row locked, and ids are taken in order, never
    reused: SQLite's table is AUTOINCREMENT), so "after id N" is exact for one user's events."""

    id = peewee.BigAutoField()
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    type = peewee.CharField(max_length=32)
    at = peewee.DateTimeField(index=True)
    data = BodyField()  # the event's `data`, as JSON (events.wire says how it is sent)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "events"
        indexes = ((("user", "id"), False),)


class EventTicket(BaseModel):
    """A ticket for `GET /api/events?ticket=`: its SHA-256, taken once before it expires. It
    stands for the credential that asked for it (a personal token's hash, a JWT's `ver` and
    `exp`): that credential must still stand when the ticket is taken, and while its stream
    is open (domain/credentials.py)."""

    ticket_hash = peewee.CharField(max_length=64, primary_key=True)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    expires_at = peewee.DateTimeField(index=True)
    personal_token_hash = peewee.CharField(max_length=64, null=True)
    token_version = peewee.IntegerField(null=True)
    token_expires_at = peewee.DateTimeField(null=True)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "event_tickets"


class Webhook(BaseModel):
    """A URL that hears of a user's events, in order: `cursor` is the last event it has had (or
    that was not for it); the next is delivered once it has. One process at a time delivers to
    it: the one whose `claimed_until` lease it set (background/webhooks.py)."""

    id = peewee.BigAutoField()  # never given twice (on SQLite AUTOINCREMENT: migration 011)
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    url = peewee.CharField(max_length=2000)
    events = peewee.CharField(max_length=400)  # the types it hears, space-separated, or "*"
    secret = peewee.CharField(max_length=100)
    created_at = peewee.DateTimeField()
    active = peewee.BooleanField(default=True)
    cursor = peewee.BigIntegerField(default=0)
    attempts = peewee.IntegerField(default=0)  # failed attempts at the next event
    failing_since = peewee.DateTimeField(null=True)
    next_attempt_at = peewee.DateTimeField(null=True)
    claimed_by = peewee.CharField(max_length=64, null=True)
    claimed_until = peewee.DateTimeField(null=True)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "webhooks"
        indexes = ((("user", "id"), False), (("active", "next_attempt_at"), False))


class WebhookAttempt(BaseModel):
    """One delivery attempt, for the delivery log (the last 100 per webhook are kept)."""

    id = peewee.BigAutoField()
    webhook = peewee.ForeignKeyField(Webhook, column_name="webhook_id", on_delete="CASCADE", index=False)
    event_id = peewee.BigIntegerField()
    type = peewee.CharField(max_length=32)
    attempt = peewee.IntegerField()
    status_code = peewee.IntegerField(null=True)
    error = peewee.CharField(max_length=300, null=True)
    at = peewee.DateTimeField()
    next_attempt_at = peewee.DateTimeField(null=True)

    if TYPE_CHECKING:
        webhook_id: int

    class Meta:
        table_name = "webhook_attempts"
        indexes = ((("webhook", "id"), False),)
