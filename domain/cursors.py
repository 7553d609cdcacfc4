"""Change-feed cursors: opaque to clients, signed, bound to one account.

A cursor says where an answer of the feed ended (`Position`) and since when the client's copy
is complete (`since`, seconds): a later request with it continues from there. The signature
(an HMAC keyed from the JWT secret) makes a cursor that this service never gave, or gave to
another account (a deleted and re-created one included), a 422; one whose `since` is older than
CHANGES_RETENTION_DAYS is a 410, as the tombstones it may need could be gone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import NamedTuple

from domain.errors import CursorExpired, Invalid
from models import User


class Position(NamedTuple):
    """Where a feed answer ended: the sequence number, then the kind's rank and the entity's id
    within it. `complete(S)` is past everything numbered S or less."""

    seq: int
    rank: int
    entity_id: int

    @classmethod
    def complete(cls, seq: int) -> Position:
        return cls(seq, END_RANK, 0)


END_RANK = 99
START = Position(-1, END_RANK, 0)


CURSOR = re.compile(r"c1\.(\d{1,19})\.(\d{1,2})\.(\d{1,19})\.(\d{1,12})\.([A-Za-z0-9_-]{22})")


class Cursors:
    def __init__(self, secret: str, retention_days: int) -> None:
        self.key = hmac.new(secret.encode(), b"todo-api change-feed cursor", hashlib.sha256).digest()
        self.retention_seconds = retention_days * 86400

    def encode(self, user: User, position: Position, since: int) -> str:
        body = f"{position.seq + 1}.{position.rank}.{position.entity_id}.{since}"
        return f"c1.{body}.{self.signature(user, body)}"

    def decode(self, user: User, cursor: str) -> tuple[Position, int]:
        """(where the answer ended, since when the client's copy is complete)."""
        match = CURSOR.fullmatch(cursor)
        if match is None or not hmac.compare_digest(match[5], self.signature(user, cursor[3:-23])):
            raise Invalid.at(("query", "since"), "Not a cursor this service gave you", "cursor_unknown")
        seq, rank, entity_id, since = (int(match[n]) for n in range(1, 5))
        if since < time.time() - self.retention_seconds:
            raise CursorExpired("The cursor is too old: sync again from nothing (no since=)")
        return Position(seq - 1, rank, entity_id), since

    def signature(self, user: User, body: str) -> str:
        message = f"{user.id}\n{user.created_at.isoformat()}\n{body}".encode()
        return base64.urlsafe_b64encode(hmac.new(self.key, message, hashlib.sha256).digest()[:16]).decode()[
            :22
        ]
