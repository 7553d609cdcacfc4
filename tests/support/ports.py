"""A free TCP port on 127.0.0.1, for the servers the suite starts (the app, PostgreSQL, MariaDB)."""

from __future__ import annotations

import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now; the caller binds it soon after, so a clash is unlikely."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port
