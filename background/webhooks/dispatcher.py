"""The delivery job: every POLL_SECONDS this process claims the webhooks that have events to
hear and whose lease is free (domain/webhooks.py), and delivers to each in a task of its own,
event after event, until it has none left or an attempt fails. Sending runs in worker threads
of its own (SENDING at a time): a slow receiver holds up neither requests nor other webhooks."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket

import anyio

from background.webhooks.sending import TIMEOUT_SECONDS, post
from domain.errors import Unavailable
from domain.outbox import event_json
from domain.webhooks import claim_due, delivered, failed, next_event, release
from models import Event, Webhook
from runtime import calls
from runtime.services import Services
from runtime.webhook_urls import RefusedURL, target

POLL_SECONDS = 0.5
SENDING = 8

logger = logging.getLogger("todo_api.webhooks")


async def deliver_webhooks(services: Services) -> None:
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    lease = dt.timedelta(seconds=services.settings.webhook_claim_seconds)
    sending = anyio.CapacityLimiter(SENDING)
    busy: set[int] = set()
    async with anyio.create_task_group() as group:
        while True:
            try:
                claimed = await calls.run(services, False, claim_due, owner, lease)
            except Unavailable:  # the database is away: the next round tries again
                claimed = []
            for webhook_id in claimed:
                if webhook_id not in busy:
                    busy.add(webhook_id)
                    group.start_soon(deliver, services, webhook_id, owner, lease, sending, busy)
            await anyio.sleep(POLL_SECONDS)


async def deliver(
    services: Services,
    webhook_id: int,
    owner: str,
    lease: dt.timedelta,
    sending: anyio.CapacityLimiter,
    busy: set[int],
) -> None:
    """The webhook's events in order while attempts succeed; a failure schedules the next."""
    try:
        while found := await calls.run(services, True, next_event, webhook_id, owner):
            webhook, event = found
            status, error = await attempt(services, webhook, event, sending)
            if error is not None:
                await calls.run(services, True, failed, webhook_id, owner, event, status, error)
                return
            await calls.run(services, True, delivered, webhook_id, owner, event, status or 200, lease)
        await calls.run(services, True, release, webhook_id, owner)
    except Unavailable:
        pass  # the database is away: the claim lapses and the attempt is made again
    except Exception:
        logger.exception("delivering to webhook %s failed", webhook_id)
    finally:
        busy.discard(webhook_id)


async def attempt(
    services: Services, webhook: Webhook, event: Event, sending: anyio.CapacityLimiter
) -> tuple[int | None, str | None]:
    """One attempt: the URL checked again (what it resolves to may have changed), then sent."""
    allow_private = services.settings.webhook_allow_private
    try:
        checked = await anyio.to_thread.run_sync(target, webhook.url, allow_private, limiter=sending)
    except RefusedURL as refused:
        return None, f"URL refused: {refused}"
    body = event_json(event).encode()
    with anyio.move_on_after(TIMEOUT_SECONDS + 5):
        return await anyio.to_thread.run_sync(
            post, checked, webhook.secret, str(event.id), body, limiter=sending, abandon_on_cancel=True
        )
    return None, f"no answer within {TIMEOUT_SECONDS} s"
