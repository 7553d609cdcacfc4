"""What event streams read (inside a database call): tickets, where a stream starts, and the
events the hub hands on (runtime/event_hub.py).

A user's events are read by id: ids grow in the order the user's changes commit (models/events.py),
so "the user's events after id N" misses nothing committed once the read has begun, and a
stream that has sent up to N resumes exactly there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass

import peewee

from domain.credentials import refusals
from domain.errors import Unauthenticated
from domain.principal import TASKS_READ, Principal
from domain.users import current_user
from models import Event, EventTicket, utc_now
from models.queries import users_versions

TICKET_SECONDS = 60
REPLAY_LIMIT = 500  # events per read; a stream that is further behind reads again
HUB_LIMIT = 1000  # events per user per read of the hub

# By user: their change sequence now, the events after the newest handed on, and whether that
# is all of them (else the next read goes on).
NewEvents = dict[str, tuple[int, list[Event], bool]]


@dataclass
class HubRead:
    """What one read of the hub finds: the new events, and of the principals asked about,
    those whose credential no longer stands."""

    events: NewEvents
    refused: set[Principal]


def digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def issue_ticket(principal: Principal) -> str:
    """A ticket that opens one stream of the caller's events, once, within TICKET_SECONDS; it
    stands for the caller's credential (the ticket is refused once that no longer stands)."""
    user = current_user(principal)
    ticket = "evt_" + secrets.token_urlsafe(24)
    expires_at = utc_now() + dt.timedelta(seconds=TICKET_SECONDS)
    EventTicket.create(
        ticket_hash=digest(ticket),
        user=user.id,
        expires_at=expires_at,
        personal_token_hash=principal.personal_token_hash,
        token_version=principal.version,
        token_expires_at=None if principal.expires_at is None else naive_utc(principal.expires_at),
    )
    EventTicket.delete().where(EventTicket.expires_at < utc_now()).execute()  # the stale ones
    return ticket


def redeem_ticket(ticket: str) -> Principal:
    """The principal of the credential the ticket was asked with, limited to reading; 401 for a
    ticket that is unknown, used or expired (it is deleted as it is used, so of two requests
    with one ticket only one gets in), or whose credential no longer stands."""
    row = EventTicket.get_or_none(EventTicket.ticket_hash == digest(ticket))
    taken = EventTicket.delete().where(
        (EventTicket.ticket_hash == digest(ticket)) & (EventTicket.expires_at > utc_now())
    )
    if row is None or not taken.execute():
        raise Unauthenticated("Unknown, used or expired ticket: ask POST /api/events/tickets for another")
    principal = Principal(
        subject=row.user_id,
        email=None,
        name=None,
        version=row.token_version,
        issued_at=None,
        scopes=frozenset({TASKS_READ}),
        personal_token_hash=row.personal_token_hash,
        expires_at=None if row.token_expires_at is None else timestamp_of(row.token_expires_at),
    )
    require_standing(principal)
    return principal


def naive_utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).replace(tzinfo=None)


def timestamp_of(naive: dt.datetime) -> float:
    return naive.replace(tzinfo=dt.UTC).timestamp()


def require_standing(principal: Principal) -> None:
    """401 unless the principal's credential still stands (crud/credentials.py)."""
    if (refusal := refusals([principal]).get(principal)) is not None:
        raise Unauthenticated(refusal)


@dataclass(frozen=True)
class StreamStart:
    user_id: str
    tasks_version: int  # the user's change sequence as this read saw it
    last_id: int  # the user's newest event id this read saw
    after: int  # the event the stream goes on from: the one resumed from, or `last_id`
    events: list[Event]  # to send first: the user's first events after `after`
    resync: bool  # events the client has not had are gone: it must sync again


def stream_start(principal: Principal, resume_after: int | None) -> StreamStart:
    """Where a stream starts: after `resume_after` (Last-Event-ID), or from now (None). An id
    older than the oldest event kept means some events are gone: resync, then from now.

    The credential is checked after the events are read: what the stream sends first was
    committed while the credential stood."""
    user = current_user(principal)
    last_id = latest_event_id(user.id)
    if resume_after is None or resume_after >= last_id:
        start = StreamStart(user.id, user.tasks_version, last_id, last_id, [], False)
    elif resume_after < (Event.select(peewee.fn.MIN(Event.id)).scalar() or 0) - 1:
        start = StreamStart(user.id, user.tasks_version, last_id, last_id, [], True)
    else:
        events = events_after(user.id, resume_after)
        start = StreamStart(user.id, user.tasks_version, last_id, resume_after, events, False)
    require_standing(principal)
    return start


def events_while_standing(principal: Principal, after_id: int) -> list[Event] | None:
    """The user's events after `after_id`, or None when the principal's credential no longer
    stands (checked after the read, as `stream_start` does)."""
    events = events_after(principal.subject, after_id)
    return None if refusals([principal]) else events


def purge_events(before: dt.datetime, batch: int = 1000) -> int:
    """Delete about `batch` of the events older than `before` (background/maintenance.py); how
    many went. The oldest go first, so the events kept are every event after some id (a stream
    resuming from before it is told to resync)."""
    oldest = Event.select(Event.id).where(Event.at < before).order_by(Event.id)
    last = oldest.offset(batch - 1).limit(1).scalar() or oldest.order_by(Event.id.desc()).limit(1).scalar()
    return 0 if last is None else int(Event.delete().where(Event.id <= last).execute())


def latest_event_id(user_id: str) -> int:
    return int(Event.select(peewee.fn.MAX(Event.id)).where(Event.user == user_id).scalar() or 0)


def events_after(user_id: str, after_id: int, limit: int = REPLAY_LIMIT) -> list[Event]:
    query = Event.select().where((Event.user == user_id) & (Event.id > after_id))
    return list(query.order_by(Event.id).limit(limit))


def hub_read(known: dict[str, tuple[int, int]], principals: Collection[Principal]) -> HubRead:
    """For the event hub: of the users `known` names (with their change sequence and newest
    event handed on), those whose sequence moved, with their events since; then, of the
    streams' `principals`, those whose credential no longer stands. Read after the events, so
    an event committed after a credential died is never handed on to its streams (each read
    sees at least what had committed when the one before it began)."""
    moved = changed_users({user_id: tasks_version for user_id, (tasks_version, _) in known.items()})
    found = {}
    for user_id, tasks_version in moved.items():
        events = events_after(user_id, known[user_id][1], HUB_LIMIT)
        found[user_id] = (tasks_version, events, len(events) < HUB_LIMIT)
    return HubRead(found, set(refusals(principals)))


def changed_users(known: dict[str, int]) -> dict[str, int]:
    """Of the users whose change sequence `known` holds, those whose sequence has moved since,
    with its value now (one read of the users' rows for every stream of a process)."""
    moved = {}
    for user_id, (tasks_version, _) in users_versions(known).items():
        if tasks_version != known[user_id]:
            moved[user_id] = tasks_version
    return moved
