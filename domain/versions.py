"""ETags and the conditional request headers (RFC 9110, 13.1.1 and 13.1.2).

A task's or list's ETag names its version; a list page's names the user's change sequence and the exact
address asked for, so every worker and replica gives the same page the same ETag, and a new one
after any change of the user's tasks. `If-Match` compares strongly (a weak ETag never matches),
`If-None-Match` weakly, as the RFC says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import NamedTuple

from domain.errors import VersionMismatch
from models import Task, TodoList

# One entity-tag of a list: optional W/, then a quoted string of the characters RFC 9110 allows.
ENTITY_TAG = re.compile(r'\s*(W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


class Condition(NamedTuple):
    """A parsed If-Match or If-None-Match: `*`, or the entity-tags it lists (each weak or not)."""

    any: bool
    strong: frozenset[str]
    weak: frozenset[str]

    def matches_strongly(self, etag: str) -> bool:
        return self.any or etag in self.strong

    def matches_weakly(self, etag: str) -> bool:
        return self.any or etag in self.strong or etag in self.weak


NOTHING: frozenset[str] = frozenset()


def parse_condition(value: str | None) -> Condition | None:
    """None when the header is absent; a value that lists no valid entity-tag matches nothing."""
    if value is None:
        return None
    if value.strip() == "*":
        return Condition(True, NOTHING, NOTHING)
    if value[:1] == '"' == value[-1:] and value.count('"') == 2:
        # The usual case, one strong tag: kept as sent (a character no tag has matches nothing).
        return Condition(False, frozenset((value,)), NOTHING)
    strong: set[str] = set()
    weak: set[str] = set()
    position = 0
    while position < len(value) and (match := ENTITY_TAG.match(value, position)):
        (weak if match.group(1) else strong).add(match.group(2))
        position = match.end()
    return Condition(False, frozenset(strong), frozenset(weak))


def etag_of(entity: Task | TodoList) -> str:
    """The version, and the creation time: before migration 011 SQLite gave a deleted task's
    id to the next one, and an ETag a client kept from then must not match the newcomer."""
    created = int(entity.created_at.replace(tzinfo=dt.UTC).timestamp() * 1_000_000)
    return f'"{entity.version}.{created:x}"'


def page_etag(key: tuple[object, ...]) -> str:
    """The same on every process for the same key (Python's hash() is salted per process)."""
    return '"L' + hashlib.sha256(repr(key).encode()).hexdigest()[:32] + '"'


def require_match(condition: Condition | None, etag: str, what: str = "task") -> None:
    """412 with the current ETag unless `condition` (an If-Match) allows `etag`."""
    if condition is not None and not condition.matches_strongly(etag):
        raise VersionMismatch(f"The {what} has changed since that version: read it again", etag)
