"""Firing reminders: every REMINDER_POLL_SECONDS each process reads the reminders due (a
bounded, indexed read) and fires them user by user (domain/reminders.py). Every
process runs it; a reminder fires once, in whichever process's transaction claims it."""

from __future__ import annotations

import logging

import anyio

from background.jobs import spread
from domain.errors import Unavailable
from domain.reminders import due_reminders, fire_due
from domain.views import service_root
from models import utc_now
from runtime import calls
from runtime.services import Services

BATCH = 200  # reminders read per round; a longer queue is taken on in the next rounds

logger = logging.getLogger("todo_api.reminders")


async def fire_reminders(services: Services) -> None:
    settings = services.settings
    if settings.public_url:
        public_root = settings.public_url.rstrip("/") + "/"
        service_root.set(lambda: public_root)
    while True:
        try:
            fired = await fire_round(services)
        except Unavailable:  # the database is away: the next round tries again
            fired = 0
        if fired < BATCH:  # caught up: wait (a little less or more, so processes spread out)
            await anyio.sleep(spread(settings.reminder_poll_seconds, 0.2))


async def fire_round(services: Services) -> int:
    """One round: the reminders due now, each user's in one transaction; how many were read."""
    now = utc_now()
    due = await calls.run(services, False, due_reminders, now, BATCH)
    for user_id, reminder_ids in due.items():
        fired = await calls.run(services, True, fire_due, user_id, reminder_ids, now)
        if fired < len(reminder_ids):
            logger.info(
                "%d reminders of %s were fired elsewhere or over 24 h late",
                len(reminder_ids) - fired,
                user_id,
            )
    return sum(len(ids) for ids in due.values())
