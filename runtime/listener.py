"""The event hub's ears on PostgreSQL: one connection per process that LISTENs to the channel
migration 015's triggers notify (a user's id, for each commit that gives the user an event or
ends one of the user's credentials) and tells the hub (runtime/event_hub.py) whom to read.

A connection of its own: a LISTEN belongs to a session and hears while that session stays
open, and the pool lends its connections to one database call at a time (and closes the stale
ones). It is psycopg2's, as the pool's are, in autocommit, and it is read on the event loop:
a reader callback on its socket (`loop.add_reader`) calls `poll()`, which takes what arrived
without blocking (libpq keeps the socket non-blocking) and leaves the notifications in
`notifies`. No thread waits on it, and no task wakes for a notification: a few microseconds of
the loop's time each (a write pays it on every replica, so it matters). Opening it (DNS, TLS,
authentication) blocks, so that runs in a thread.

The hub stops polling only once the path is known to work: after LISTEN, a probe (a NOTIFY
sent through the pool, as a change's trigger sends it) must come back within PROBE_SECONDS.
A pooler in transaction mode (PgBouncer, Neon's `-pooler` host) accepts LISTEN but passes on
nothing another session notifies: the probe never comes back, the hub goes on polling and the
log says why. After QUIET_SECONDS without a word, a probe again: a connection whose peer is
gone without a word is found that way, or by TCP keepalives (models/database.py).

A lost connection (the server restarting or away, a probe not heard): the hub polls from that
moment, and the listener connects again after a back-off (BACKOFF_SECONDS, doubling up to
MAX_BACKOFF_SECONDS). Once it hears again the hub reads every user once and polls no more: what
committed while it did not hear is in a poll or in that read.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio
import anyio.to_thread
import psycopg2
import psycopg2.extensions

from domain.errors import Unavailable
from models import bound_database
from runtime.event_hub import EventHub

USER_CHANNEL = "todo_user_changed"  # the payload: a user's id (migration 015)
PROBE_CHANNEL = "todo_listener_probe"  # the payload: the probing listener's token
PROBE_SECONDS = 5.0
QUIET_SECONDS = 30.0
BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0

logger = logging.getLogger("todo_api.events")

Connect = Callable[[], psycopg2.extensions.connection]  # blocking: run in a thread
SendProbe = Callable[[str], Awaitable[None]]  # a NOTIFY of PROBE_CHANNEL through the pool


class Deaf(Exception):
    """The connection is open but does not hear: the probe did not come back."""


def send_probe(token: str) -> None:
    """Inside a database call: notify PROBE_CHANNEL with `token` when the call commits."""
    bound_database().execute_sql("SELECT pg_notify(%s, %s)", (PROBE_CHANNEL, token))


@dataclass
class Listener:
    hub: EventHub
    connect: Connect
    probe: SendProbe

    async def run(self) -> None:
        """For as long as the app serves: listen, and after each loss connect again."""
        backoff, deaf_since, told_why = BACKOFF_SECONDS, time.monotonic(), False
        while True:
            try:
                connection = await anyio.to_thread.run_sync(self.connect)
            except psycopg2.Error as exc:
                logger.debug("cannot open the LISTEN connection: %s", first_line(exc))
            else:
                try:
                    await self.listen(connection, deaf_since)
                except (psycopg2.Error, Unavailable, Deaf) as exc:
                    if self.hub.listening:
                        logger.warning("event streams poll until LISTEN hears again: %s", first_line(exc))
                        backoff, deaf_since = BACKOFF_SECONDS, time.monotonic()
                    elif isinstance(exc, Deaf) and not told_why:
                        logger.warning("event streams poll: %s", exc)
                        told_why = True
                    else:
                        logger.debug("LISTEN does not hear: %s", first_line(exc))
                except Exception:
                    logger.exception("the LISTEN connection failed")
                finally:
                    self.hub.deafen()
                    connection.close()
            await anyio.sleep(backoff)
            backoff = min(2 * backoff, MAX_BACKOFF_SECONDS)

    async def listen(self, connection: psycopg2.extensions.connection, deaf_since: float) -> None:
        """Probe, then hand the hub what is heard until the connection is lost (an exception)."""
        loop = asyncio.get_running_loop()
        ears = Ears(connection, self.hub)
        loop.add_reader(ears.fd, ears.readable)
        try:
            await self.check(ears)
            self.hub.listen()
            polled = time.monotonic() - deaf_since
            logger.info("event streams hear commits by LISTEN (after %.1f s of polling)", polled)
            while True:
                with anyio.move_on_after(ears.heard_at + QUIET_SECONDS - time.monotonic()):
                    await ears.until(lambda: False)  # raises once the connection is lost
                if time.monotonic() >= ears.heard_at + QUIET_SECONDS:
                    await self.check(ears)
        finally:
            if ears.lost is None:  # else removed already, and the number may be another socket's now
                loop.remove_reader(ears.fd)

    async def check(self, ears: Ears) -> None:
        """Send a probe through the pool and hear it back, or raise Deaf."""
        token = secrets.token_hex(8)
        await self.probe(token)
        with anyio.move_on_after(PROBE_SECONDS):
            await ears.until(lambda: token in ears.probes)
            ears.probes.clear()
            return
        raise Deaf(
            f"LISTEN heard no probe within {PROBE_SECONDS:.0f} s: is DATABASE_URL a pooler in"
            " transaction mode (PgBouncer, Neon's -pooler host)? Those pass no notifications on"
        )


class Ears:
    """The connection's reader on the event loop (`loop.add_reader`: no task wakes for it). Each
    time its socket is readable, `poll()` takes what arrived; the users notified go to the hub
    at once, and probe tokens (any listener's) are noted for `until`."""

    def __init__(self, connection: psycopg2.extensions.connection, hub: EventHub) -> None:
        self.connection, self.hub = connection, hub
        self.fd = connection.fileno()  # psycopg2 forgets it once the connection is lost
        self.heard_at = time.monotonic()  # when something was last heard
        self.probes: set[str] = set()
        self.lost: Exception | None = None
        self.news = anyio.Event()  # a probe heard, or the connection lost

    def readable(self) -> None:
        try:
            self.connection.poll()
        except Exception as exc:  # psycopg2.OperationalError: the connection is lost
            # At once: libpq has closed the socket, whose number the loop may give out again.
            asyncio.get_running_loop().remove_reader(self.fd)
            self.lost = exc
            self.news.set()
            return
        heard = self.connection.notifies
        if not heard:
            return
        self.heard_at = time.monotonic()
        self.hub.notified([note.payload for note in heard if note.channel == USER_CHANNEL])
        probes = [note.payload for note in heard if note.channel == PROBE_CHANNEL]
        heard.clear()
        if probes:
            self.probes.update(probes)
            self.news.set()

    async def until(self, done: Callable[[], bool]) -> None:
        """Wait until `done()`, asked at each probe heard; raise once the connection is lost."""
        while True:
            if self.lost is not None:
                raise self.lost
            if done():
                return
            self.news = anyio.Event()
            await self.news.wait()


def first_line(exc: BaseException) -> str:
    """A driver's message without its hints (psycopg2's run over several lines)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
