"""Rendered task-list pages, kept while none of the user's tasks change.

The key holds the user's `tasks_version`, read from the database in the request's own
transaction, and every task write raises that version in its transaction: a page is answered
again only while nothing it shows can have changed, whichever worker made the change. Bounded by
total bytes; when full it starts again empty.
"""

from __future__ import annotations

from collections.abc import Hashable

from handlers.common.metrics import Metrics

RawHeaders = list[tuple[bytes, bytes]]  # a response's header lines as sent


class PageCache:
    """With metrics, each page asked for counts once: a hit when `get` finds it, a miss when it
    had to be built (`put`)."""

    def __init__(
        self,
        max_bytes: int = 4 * 1024 * 1024,
        max_entry_bytes: int = 64 * 1024,
        metrics: Metrics | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.entries: dict[Hashable, tuple[bytes, RawHeaders]] = {}
        self.size = 0
        self.hits = metrics.page_cache.labels("hit") if metrics else None
        self.misses = metrics.page_cache.labels("miss") if metrics else None

    def get(self, key: Hashable) -> tuple[bytes, RawHeaders] | None:
        found = self.entries.get(key)
        if found is not None and self.hits is not None:
            self.hits.inc()
        return found

    def put(self, key: Hashable, body: bytes, headers: RawHeaders) -> None:
        if self.misses is not None:
            self.misses.inc()
        if len(body) > self.max_entry_bytes:
            return
        if self.size + len(body) > self.max_bytes:
            self.entries, self.size = {}, 0
        self.entries[key] = (body, headers)
        self.size += len(body)
