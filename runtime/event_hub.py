"""Handing each committed event to the open streams of its user in this process, whichever
worker or replica made the change.

One background task per process (`run`) reads, for every user with an open stream, the user's
change sequence; for each user whose sequence moved it reads the events after the last one it
handed on. Every change raises the sequence while it holds the user's row locked, and events
are read by id, which grows in commit order per user (models/events.py): nothing committed is
skipped. It reads when a write of this process has just committed (`poke`), and every
POLL_SECONDS whatever happens, for the changes other processes make.

Each read also asks whether the credential of each open stream still stands (a revoked or
expired token, a password change, a deleted account: domain/credentials.py), after reading the
events, in the same database call. The streams of a credential that no longer stands end at
once, and the events of that read are not handed on to them: no stream sends an event of a
change made after its credential died, and each ends within a read (about POLL_SECONDS) of
it, on every replica. Each distinct credential is asked about once per read, whatever the
number of its streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import anyio

from domain.errors import Unavailable
from domain.event_stream import HubRead
from domain.principal import Principal
from models import Event

if TYPE_CHECKING:
    from domain.event_stream import StreamStart


# Reads, for each user followed (their change sequence and newest event handed on), what is
# new, and which of the open streams' principals no longer stand.
ReadEvents = Callable[[dict[str, tuple[int, int]], frozenset[Principal]], Awaitable[HubRead]]

POLL_SECONDS = 0.25
QUEUE_SIZE = 1000  # events waiting for one stream; past it, the stream reads them itself

logger = logging.getLogger("todo_api.events")


@dataclass(eq=False)
class Subscription:
    """One open stream's inbox, and what the hub tells the stream besides. `overflowed`: events
    were not handed on (too many waiting, or the stream began during a read): the stream reads
    them itself. `ended`: its credential no longer stands, the stream sends nothing more. A
    None in the queue wakes the stream to look at both."""

    principal: Principal
    queue: asyncio.Queue[Event | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False
    ended: bool = False
    asked: bool = False  # a read of the hub has asked about its credential (each read asks again)

    @property
    def user_id(self) -> str:
        return self.principal.subject

    def wake(self) -> None:
        """A stream waiting for its queue looks at its flags; one that is not waiting will
        look before it waits again (so a full queue may leave it out)."""
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)


@dataclass
class UserFeed:
    """What the hub knows of one user with open streams."""

    subscriptions: set[Subscription] = field(default_factory=set)
    tasks_version: int | None = None  # None until the first stream has started (`track`)
    last_id: int = 0  # the newest event handed on


class EventHub:
    def __init__(self) -> None:
        self.users: dict[str, UserFeed] = {}
        self.poked = anyio.Event()

    def subscribe(self, principal: Principal) -> Subscription:
        """Before the stream reads where it starts: whatever the hub hands on from now reaches it."""
        subscription = Subscription(principal)
        self.users.setdefault(principal.subject, UserFeed()).subscriptions.add(subscription)
        return subscription

    def track(self, start: StreamStart) -> None:
        """The user's sequence and newest event as a starting stream read them, unless the hub
        follows the user already."""
        feed = self.users.get(start.user_id)
        if feed is not None and feed.tasks_version is None:
            feed.tasks_version, feed.last_id = start.tasks_version, start.last_id

    def unsubscribe(self, subscription: Subscription) -> None:
        feed = self.users.get(subscription.user_id)
        if feed is not None:
            feed.subscriptions.discard(subscription)
            if not feed.subscriptions:
                del self.users[subscription.user_id]

    def poke(self) -> None:
        """A write of this process has committed: read now."""
        self.poked.set()

    async def read_once(self, read: ReadEvents) -> None:
        known = {
            user_id: (feed.tasks_version, feed.last_id)
            for user_id, feed in self.users.items()
            if feed.tasks_version is not None
        }
        asked = set()
        for followed in self.users.values():
            for subscription in followed.subscriptions:
                subscription.asked = True
                asked.add(subscription.principal)
        if not asked:
            return
        found = await read(known, frozenset(asked))
        if found.refused:
            self.end_streams_of(found.refused)
        for user_id, (tasks_version, events, complete) in found.events.items():
            if (feed := self.users.get(user_id)) is None:
                continue  # its last stream closed meanwhile
            for event in events:
                self.hand_on(feed, event)
            if complete:  # else the next read goes on from the last one handed on
                feed.tasks_version = tasks_version

    def end_streams_of(self, refused: set[Principal]) -> None:
        for feed in list(self.users.values()):
            for subscription in [each for each in feed.subscriptions if each.principal in refused]:
                subscription.ended = True
                self.unsubscribe(subscription)
                subscription.wake()

    def hand_on(self, feed: UserFeed, event: Event) -> None:
        """To the user's streams whose credential this read found standing. A stream that
        began during the read (its credential not asked about) reads the event itself, with
        its credential (`crud.event_stream.events_while_standing`)."""
        if event.id <= feed.last_id:
            return
        feed.last_id = event.id
        for subscription in feed.subscriptions:
            if not subscription.asked:
                subscription.overflowed = True
                subscription.wake()
                continue
            try:
                subscription.queue.put_nowait(event)
            except asyncio.QueueFull:
                subscription.overflowed = True

    async def run(self, read: ReadEvents) -> None:
        while True:
            with anyio.move_on_after(POLL_SECONDS):
                await self.poked.wait()
            self.poked = anyio.Event()
            try:
                await self.read_once(read)
            except Unavailable:  # the database is away: the next round reads again
                continue
            except Exception:
                logger.exception("reading new events failed")
