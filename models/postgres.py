"""What only PostgreSQL needs: its pool that finds dead connections, and a LISTEN connection.

Imported by a PostgreSQL process alone (models/database.py, background/listening.py): psycopg2 is
not loaded where it is not used (runtime/imports.py).
"""

from __future__ import annotations

import psycopg2
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase

from settings import DatabaseURL


class CheckedPooledPostgresqlDatabase(PooledPostgresqlDatabase):
    """Finds the pooled connections a server restart has ended before handing one out.

    A restart leaves idle connections that look open until used. `poll()` reads, without
    waiting, what the server sent meanwhile: its shutdown notice or end-of-file marks the
    connection dead, and the pool opens a new one, so the first request after a restart works.
    """

    def _is_closed(self, conn: psycopg2.extensions.connection) -> bool:
        if super()._is_closed(conn):  # type: ignore[no-untyped-call]  # playhouse.pool has no types
            return True
        try:
            conn.poll()
        except psycopg2.Error:
            return True
        return False


def listening_connection(
    database: DatabaseURL, timeout: float, channels: tuple[str, ...]
) -> psycopg2.extensions.connection:
    """A PostgreSQL connection of its own, outside the pool, in autocommit, that LISTENs on
    `channels` (runtime/listener.py); blocks while it connects. Parameters the URL gives (TLS,
    a timeout) win over these defaults. TCP keepalives find a peer gone without a word within
    about 25 s: the server sends nothing while there is nothing to notify."""
    options: dict[str, object] = {
        "connect_timeout": int(timeout),
        "application_name": "todo-api listener",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    options.update(parse(database.url, unquote_user=True, unquote_password=True))
    connection = psycopg2.connect(**options)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for channel in channels:
                cursor.execute(f"LISTEN {channel}")  # our own names: identifiers cannot be bound
    except BaseException:
        connection.close()
        raise
    return connection
