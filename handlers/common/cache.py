"""Rendered task-list pages, kept while none of the user's tasks change.

The key holds the user's `tasks_version`, read from the database in the request's own
transaction, and every task write raises that version in its transaction: a page is answered
again only while nothing it shows can have changed, whichever worker made the change. Bounded by
total bytes; when full it starts again empty.
"""

from __future__ import annotations

from collections.abc import Hashable

RawHeaders = list[tuple[bytes, bytes]]  # a response's header lines as sent


class PageCache:
    def __init__(self, max_bytes: int = 4 * 1024 * 1024, max_entry_bytes: int = 64 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.entries: dict[Hashable, tuple[bytes, RawHeaders]] = {}
        self.size = 0

    def get(self, key: Hashable) -> tuple[bytes, RawHeaders] | None:
        return self.entries.get(key)

    def put(self, key: Hashable, body: bytes, headers: RawHeaders) -> None:
        if len(body) > self.max_entry_bytes:
            return
        if self.size + len(body) > self.max_bytes:
            self.entries, self.size = {}, 0
        self.entries[key] = (body, headers)
        self.size += len(body)
