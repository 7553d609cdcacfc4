"""Handing each committed event to the open streams of its user in this process, whichever
worker or replica made the change.

One background task per process (`run`) reads, for users with an open stream, the users'
change sequences; for each user whose sequence moved it reads the events after the last one it
handed on. Every change raises the sequence while it holds the user's row locked, and events
are read by id, which grows in commit order per user (models/events.py): nothing committed is
skipped, whenever the read comes.

When it reads, one of two ways:

- Polling (SQLite and MySQL, and PostgreSQL while its LISTEN connection does not hear): every
  user followed, every POLL_SECONDS, and at once when a write of this process has committed
  (`poke`).
- Listening (PostgreSQL, runtime/listener.py): only the users it is told of. A commit that gives
  a user an event, or ends one of the user's credentials, notifies the user's id (migration
  015's triggers) to every process, and the hub reads those users. Besides: every user once when
  listening begins (what committed while it did not hear), a user once after a stream of theirs
  starts (what committed between the stream's own read and the hub following it), a user when a
  credential of their streams reaches its end (an expiry notifies nobody), and again what a read
  that failed or stopped at HUB_LIMIT left. Nothing else: a quiet hub does not read.

Each read also asks whether the credential of each open stream of the users it reads still
stands (a revoked or expired token, a password change, a deleted account: domain/credentials.py),
after reading the events, in the same database call. The streams of a credential that no longer
stands end at once, and the events of that read are not handed on to them: no stream sends an
event of a change made after its credential died, and each ends within a read of it (at most
about POLL_SECONDS, or the moment the change is heard of), on every replica. Each distinct
credential is asked about once per read, whatever the number of its streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
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
RETRY_SECONDS = 0.25  # listening: after a read that failed, the next try
END_MARGIN_SECONDS = 0.01  # a credential's end is read this long after it (clocks round)
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
        self.woken = anyio.Event()
        self.listening = False  # True while runtime/listener.py hears every commit's notification
        # Listening, what the next read is of: every user followed, or these.
        self.everyone = False
        self.wanted: set[str] = set()
        # The credentials of open streams that end by themselves: when, each (`end_of`), and the
        # same as a heap, earliest first (entries whose end has changed or gone are skipped).
        self.end_of: dict[Principal, float] = {}
        self.ends: list[tuple[float, int, Principal]] = []
        self.pushed = itertools.count()  # orders the heap's entries of one moment

    def subscribe(self, principal: Principal) -> Subscription:
        """Before the stream reads where it starts: whatever the hub hands on from now reaches it."""
        subscription = Subscription(principal)
        self.users.setdefault(principal.subject, UserFeed()).subscriptions.add(subscription)
        return subscription

    def track(self, start: StreamStart) -> None:
        """The user's sequence and newest event as a starting stream read them, unless the hub
        follows the user already. Listening, the user is read next: what committed since the
        stream's read was heard of before the hub followed the user."""
        feed = self.users.get(start.user_id)
        if feed is not None and feed.tasks_version is None:
            feed.tasks_version, feed.last_id = start.tasks_version, start.last_id
        if self.listening:
            self.want([start.user_id])

    def unsubscribe(self, subscription: Subscription) -> None:
        feed = self.users.get(subscription.user_id)
        if feed is None:
            return
        feed.subscriptions.discard(subscription)
        if not any(each.principal == subscription.principal for each in feed.subscriptions):
            self.end_of.pop(subscription.principal, None)
        if not feed.subscriptions:
            del self.users[subscription.user_id]

    def poke(self) -> None:
        """A write of this process has committed: polling, read now (listening, its commit's
        notification says whom to read)."""
        if not self.listening:
            self.woken.set()

    def notified(self, user_ids: Iterable[str]) -> None:
        """Listening: these users' events or credentials changed, in commits just made."""
        if self.listening:
            self.want(user_ids)

    def listen(self) -> None:
        """Every commit is heard of from now: read every user once, then only as told."""
        self.listening, self.everyone = True, True
        self.woken.set()

    def deafen(self) -> None:
        """Commits may go unheard from now: poll (the first read at once)."""
        self.listening, self.everyone = False, False
        self.wanted.clear()
        self.woken.set()

    def want(self, user_ids: Iterable[str]) -> None:
        followed = [user_id for user_id in user_ids if user_id in self.users]
        if followed:
            self.wanted.update(followed)
            self.woken.set()

    async def run(self, read: ReadEvents) -> None:
        while True:
            with anyio.move_on_after(self.wait_seconds()):
                await self.woken.wait()
            self.woken = anyio.Event()
            users = self.take()
            if users is not None and not users:
                continue
            try:
                await self.read_once(read, users)
            except Exception as exc:
                if not isinstance(exc, Unavailable):  # the database is away: read again, quietly
                    logger.exception("reading new events failed")
                if self.listening:
                    self.everyone = self.everyone or users is None
                    self.want(users or ())
                    await anyio.sleep(RETRY_SECONDS)

    def wait_seconds(self) -> float:
        """How long the hub may wait, unless woken, before it reads."""
        if not self.listening:
            return POLL_SECONDS
        if self.everyone or self.wanted:
            return 0.0
        if self.ends:
            return max(0.0, self.ends[0][0] + END_MARGIN_SECONDS - time.time())
        return math.inf

    def take(self) -> set[str] | None:
        """Whom the read now is of: every user followed (None), or these (maybe none)."""
        self.take_due_ends()
        if not self.listening or self.everyone:
            self.everyone = False
            self.wanted.clear()
            return None
        users, self.wanted = self.wanted & self.users.keys(), set()
        return users

    def take_due_ends(self) -> None:
        """The users of the credentials whose end has come are wanted (their streams end)."""
        now = time.time() - END_MARGIN_SECONDS
        while self.ends and self.ends[0][0] <= now:
            end, _, principal = heapq.heappop(self.ends)
            if self.end_of.get(principal) == end:
                del self.end_of[principal]
                self.want([principal.subject])

    def schedule_end(self, principal: Principal, end: float) -> None:
        if self.end_of.get(principal) == end:
            return
        self.end_of[principal] = end
        heapq.heappush(self.ends, (end, next(self.pushed), principal))
        if len(self.ends) > 2 * len(self.end_of) + 64:  # mostly entries to skip: built anew
            self.ends = [(when, next(self.pushed), each) for each, when in self.end_of.items()]
            heapq.heapify(self.ends)

    async def read_once(self, read: ReadEvents, users: set[str] | None = None) -> None:
        """One read, of every user followed (None) or of `users`."""
        feeds = self.users if users is None else {user_id: self.users[user_id] for user_id in users}
        known = {
            user_id: (feed.tasks_version, feed.last_id)
            for user_id, feed in feeds.items()
            if feed.tasks_version is not None
        }
        asked = set()
        for followed in feeds.values():
            for subscription in followed.subscriptions:
                subscription.asked = True
                asked.add(subscription.principal)
        if not asked:
            return
        found = await read(known, frozenset(asked))
        if found.refused:
            self.end_streams_of(found.refused)
        for principal, end in found.ends.items():
            self.schedule_end(principal, end)
        for user_id, (tasks_version, events, complete) in found.events.items():
            if (feed := self.users.get(user_id)) is None:
                continue  # its last stream closed meanwhile
            for event in events:
                self.hand_on(feed, event)
            if complete:
                feed.tasks_version = tasks_version
            elif self.listening:  # the next read goes on from the last one handed on, now
                self.want([user_id])

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
