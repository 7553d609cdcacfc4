"""The event hub's ears on PostgreSQL: one connection per process that LISTENs to the channel
migration 015's triggers notify (a user's id, for each commit that gives the user an event or
ends one of the user's credentials) and tells the hub (runtime/event_hub.py) whom to read.

A connection of its own: a LISTEN belongs to a session and hears while that session stays
open, and the pool lends its connections to one database call at a time (and closes the stale
ones). It is psycopg2's, as the pool's are, in autocommit, and it is read on the event loop:
`anyio.wait_readable` on its socket (the loop's `add_reader`), then `poll()`, which takes what
arrived without blocking (libpq keeps the socket non-blocking) and leaves the notifications in
`notifies`. No thread waits on it; a notification costs the loop a few microseconds. Opening it
(DNS, TLS, authentication) blocks, so that runs in a thread.

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
        await self.check(connection)
        self.hub.listen()
        polled = time.monotonic() - deaf_since
        logger.info("event streams hear commits by LISTEN (after %.1f s of polling)", polled)
        while True:
            with anyio.move_on_after(QUIET_SECONDS) as quiet:
                while True:
                    await self.hear(connection)
            if quiet.cancelled_caught:
                await self.check(connection)

    async def check(self, connection: psycopg2.extensions.connection) -> None:
        """Send a probe through the pool and hear it back on `connection`, or raise Deaf."""
        token = secrets.token_hex(8)
        await self.probe(token)
        with anyio.move_on_after(PROBE_SECONDS):
            while token not in await self.hear(connection):
                pass
            return
        raise Deaf(
            f"LISTEN heard no probe within {PROBE_SECONDS:.0f} s: is DATABASE_URL a pooler in"
            " transaction mode (PgBouncer, Neon's -pooler host)? Those pass no notifications on"
        )

    async def hear(self, connection: psycopg2.extensions.connection) -> list[str]:
        """Wait for what the server sends; the users notified go to the hub. Returns the probe
        tokens heard (any listener's)."""
        while not connection.notifies:
            await anyio.wait_readable(connection)
            connection.poll()  # psycopg2.OperationalError once the connection is lost
        heard = list(connection.notifies)
        connection.notifies.clear()
        self.hub.notified(note.payload for note in heard if note.channel == USER_CHANNEL)
        return [note.payload for note in heard if note.channel == PROBE_CHANNEL]


def first_line(exc: BaseException) -> str:
    """A driver's message without its hints (psycopg2's run over several lines)."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
