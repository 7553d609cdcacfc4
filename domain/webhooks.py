"""Webhooks: registered, listed, deleted, and what their delivery reads and writes (inside a
database call; background/webhooks/ sends).

A webhook is a queue of its user's events, delivered in order from `cursor`. A process delivers
to it only while it holds the webhook's claim: `claimed_by` and a `claimed_until` lease, taken
by an UPDATE whose WHERE says the lease is free or lapsed, which one process only can win (on
every database). A process that dies leaves its lease to lapse; then another takes the webhook
and makes the attempt again: each event is delivered at least once, and each attempt is made
by one process.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets

import peewee

from domain.errors import Conflict, NotFound
from domain.event_stream import latest_event_id
from domain.principal import Principal
from domain.schemas import WebhookCreate
from domain.unit_of_work import require_write
from domain.users import current_user
from domain.webhook_schedule import given_up, next_attempt
from models import Event, Webhook, WebhookAttempt, utc_now

MAX_WEBHOOKS = 10
KEPT_ATTEMPTS = 100  # per webhook, in the delivery log
BATCH = 50  # events read at a time for one webhook


def create_webhook(principal: Principal, form: WebhookCreate) -> Webhook:
    """A webhook for the caller's events from now on, with a new secret."""
    user = current_user(principal, for_update=True)  # two creations at once count as two
    if Webhook.select().where(Webhook.user == user.id).count() >= MAX_WEBHOOKS:
        raise Conflict(f"At most {MAX_WEBHOOKS} webhooks: delete one first")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    return Webhook.create(
        user=user.id,
        url=form.url,
        events=" ".join(form.events),
        secret=secret,
        created_at=utc_now(),
        cursor=latest_event_id(user.id),
    )


def list_webhooks(principal: Principal) -> list[Webhook]:
    user = current_user(principal)
    return list(Webhook.select().where(Webhook.user == user.id).order_by(Webhook.id))


def owned_webhook(principal: Principal, webhook_id: int) -> Webhook:
    """404 for a webhook that is not the caller's, as for one that does not exist."""
    user = current_user(principal)
    webhook = Webhook.get_or_none((Webhook.id == webhook_id) & (Webhook.user == user.id))
    if webhook is None:
        raise NotFound("Webhook not found", "webhook", webhook_id)
    return webhook


def delete_webhook(principal: Principal, webhook_id: int) -> None:
    Webhook.delete().where(Webhook.id == owned_webhook(principal, webhook_id).id).execute()


def list_attempts(principal: Principal, webhook_id: int) -> list[WebhookAttempt]:
    """The delivery log, newest first."""
    webhook = owned_webhook(principal, webhook_id)
    attempts = WebhookAttempt.select().where(WebhookAttempt.webhook == webhook.id)
    return list(attempts.order_by(WebhookAttempt.id.desc()).limit(KEPT_ATTEMPTS))


# Delivery ----------------------------------------------------------------------------------


def claim_due(owner: str, lease: dt.timedelta, limit: int = 20) -> list[int]:
    """Claim active webhooks whose lease is free, whose retry is due, that have events to
    hear; the ids of those this process won."""
    now = utc_now()
    free = Webhook.claimed_until.is_null() | (Webhook.claimed_until < now)
    due = Webhook.next_attempt_at.is_null() | (Webhook.next_attempt_at <= now)
    pending = Event.select(Event.id).where((Event.user == Webhook.user) & (Event.id > Webhook.cursor))
    candidates = list(
        Webhook.select(Webhook.id).where(Webhook.active & free & due & peewee.fn.EXISTS(pending)).limit(limit)
    )
    if candidates:
        require_write()  # read first: most rounds find nothing, and take no write lock for it
    won = []
    for webhook in candidates:
        taken = Webhook.update(claimed_by=owner, claimed_until=now + lease).where(
            (Webhook.id == webhook.id) & free
        )
        if taken.execute():
            won.append(webhook.id)
    return won


def next_event(webhook_id: int, owner: str) -> tuple[Webhook, Event] | None:
    """The claimed webhook and the next event it is to hear (passing over, for good, those of
    types it does not hear); None when there is none, or the claim was lost."""
    while True:
        webhook = Webhook.get_or_none((Webhook.id == webhook_id) & (Webhook.claimed_by == owner))
        if webhook is None or not webhook.active:
            return None
        hears = set(webhook.events.split())
        batch = list(
            Event.select()
            .where((Event.user == webhook.user_id) & (Event.id > webhook.cursor))
            .order_by(Event.id)
            .limit(BATCH)
        )
        for event in batch:
            if "*" in hears or event.type in hears:
                return webhook, event
        if not batch:
            return None
        Webhook.update(cursor=batch[-1].id).where(Webhook.id == webhook.id).execute()


def delivered(webhook_id: int, owner: str, event: Event, status: int, lease: dt.timedelta) -> None:
    """The attempt succeeded: the webhook is past the event, and keeps its claim a while."""
    now = utc_now()
    attempt = Webhook.select(Webhook.attempts).where(Webhook.id == webhook_id).scalar() or 0
    updated = Webhook.update(
        cursor=event.id, attempts=0, failing_since=None, next_attempt_at=None, claimed_until=now + lease
    ).where((Webhook.id == webhook_id) & (Webhook.claimed_by == owner))
    if updated.execute():
        log_attempt(webhook_id, event, attempt + 1, status, None, None, now)


def failed(webhook_id: int, owner: str, event: Event, status: int | None, error: str) -> None:
    """The attempt failed: the next is scheduled, the claim let go; after 3 days of failing the
    webhook is given up (inactive)."""
    now = utc_now()
    webhook = Webhook.get_or_none((Webhook.id == webhook_id) & (Webhook.claimed_by == owner))
    if webhook is None:
        return
    attempts = webhook.attempts + 1
    failing_since = webhook.failing_since or now
    active = not given_up(failing_since, now)
    retry_at = next_attempt(attempts, now) if active else None
    Webhook.update(
        attempts=attempts,
        failing_since=failing_since,
        next_attempt_at=retry_at,
        active=active,
        claimed_by=None,
        claimed_until=None,
    ).where(Webhook.id == webhook_id).execute()
    log_attempt(webhook_id, event, attempts, status, error, retry_at, now)


def release(webhook_id: int, owner: str) -> None:
    Webhook.update(claimed_by=None, claimed_until=None).where(
        (Webhook.id == webhook_id) & (Webhook.claimed_by == owner)
    ).execute()


def log_attempt(
    webhook_id: int,
    event: Event,
    attempt: int,
    status: int | None,
    error: str | None,
    retry_at: dt.datetime | None,
    at: dt.datetime,
) -> None:
    """One line of the delivery log; the oldest beyond KEPT_ATTEMPTS go."""
    WebhookAttempt.create(
        webhook=webhook_id,
        event_id=event.id,
        type=event.type,
        attempt=attempt,
        status_code=status,
        error=error,
        at=at,
        next_attempt_at=retry_at,
    )
    mine = WebhookAttempt.webhook == webhook_id
    oldest_kept = (
        WebhookAttempt.select(WebhookAttempt.id)
        .where(mine)
        .order_by(WebhookAttempt.id.desc())
        .offset(KEPT_ATTEMPTS - 1)
        .limit(1)
        .scalar()
    )
    if oldest_kept is not None:
        WebhookAttempt.delete().where(mine & (WebhookAttempt.id < oldest_kept)).execute()
