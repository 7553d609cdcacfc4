"""Rendered task-list pages, kept while none of the user's tasks change.

The key holds the user's `tasks_version`, read from the database in the request's own
transaction, and every task write raises that version in its transaction: a page is answered
again only while nothing it shows can have changed, whichever worker made the change. Bounded by
the bytes its pages hold (bodies, headers and the objects around them); when full it starts
again empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from domain.principal import Principal
from domain.schemas import TaskListQuery
from domain.task_list import Listing, PageKey, listing
from domain.users import current_user
from domain.versions import Condition, page_etag
from handlers.http.responses import PreparedResponse
from runtime.headers import header
from runtime.metrics import Metrics

RawHeaders = list[tuple[bytes, bytes]]  # a response's header lines as sent
# What a kept page costs beside its body and headers' bytes: its key, the Python objects holding
# them and the ETag's entry (tracemalloc: about 0.7 KB for a 20-task page; 1 KB to keep under).
ENTRY_OVERHEAD_BYTES = 1024
# Where a page was asked for: scheme, host, root path, path and query string.
PageAddress = tuple[object, ...]


class UserVersions(Protocol):
    """What a page's key needs of the user row (a `User`, or the loop reader's `UserState`)."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def tasks_version(self) -> int: ...


@dataclass(frozen=True)
class Page:
    body: bytes
    raw_headers: RawHeaders  # its ETag among them

    def response(self) -> Response:
        return PreparedResponse(self.body, self.raw_headers)

    def size(self) -> int:
        """The bytes it holds while kept."""
        headers = sum(len(name) + len(value) for name, value in self.raw_headers)
        return len(self.body) + headers + ENTRY_OVERHEAD_BYTES


@dataclass(frozen=True)
class NotModified:
    """The 304 for a client that holds the page's current version (If-None-Match)."""

    etag: str

    def response(self) -> Response:
        return PreparedResponse(b"", [(b"etag", self.etag.encode())], status=304)


def known_answer(
    key: PageKey, cache: PageCache, unless: Condition | None, *, validated: bool
) -> NotModified | Page | None:
    """What can be answered without listing: 304 when the client's If-None-Match names the
    page's ETag (which the key alone gives), else the page when it is cached. Before the query
    is validated only a cached page may be answered 304: its address had a valid query."""
    page = cache.get(key)
    if (
        unless is not None
        and (validated or page is not None)
        and unless.matches_weakly(etag := cache.etag(key))
    ):
        return NotModified(etag)
    return page


def page_address(request: Request) -> PageAddress:
    """The address a page was asked at, as its body depends on it: links and urls are absolute."""
    scope = request.scope
    host = header(request, b"host") or scope.get("server")
    return (scope["scheme"], host, scope.get("root_path", ""), scope["path"], scope["query_string"])


def page_key(user: UserVersions, address: PageAddress) -> PageKey:
    """A page as shown to this account (a re-created one starts anew) at its tasks_version."""
    return (user.id, user.created_at, user.tasks_version, address)


class PageCache:
    """With metrics, each page asked for counts once: a hit when `get` finds it, a miss when it
    had to be built (`put`)."""

    def __init__(
        self,
        max_bytes: int = 1024 * 1024,
        max_entry_bytes: int = 64 * 1024,
        metrics: Metrics | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.pages: dict[PageKey, Page] = {}
        self.etags: dict[PageKey, str] = {}  # as many as pages at most: emptied with them
        self.size = 0
        self.counts = metrics.counts if metrics else None
        self.hits = metrics.page_cache.labels("hit") if metrics else None
        self.misses = metrics.page_cache.labels("miss") if metrics else None

    def get(self, key: PageKey) -> Page | None:
        page = self.pages.get(key)
        if page is not None and self.counts is not None:
            self.counts.add(self.hits)
        return page

    def etag(self, key: PageKey) -> str:
        """The page's ETag (conditions.page_etag), worked out once per key."""
        if (etag := self.etags.get(key)) is None:
            if len(self.etags) > len(self.pages) + 1024:
                self.etags = {}
            etag = self.etags[key] = page_etag(key)
        return etag

    def put(self, key: PageKey, page: Page) -> Page:
        """Keep `page` (unless it is larger than one entry may be); returns it."""
        if self.counts is not None:
            self.counts.add(self.misses)
        if len(page.body) <= self.max_entry_bytes:
            size = page.size()
            if self.size + size > self.max_bytes:
                self.pages, self.etags, self.size = {}, {}, 0
            self.pages[key] = page
            self.size += size
        return page


def page_or_listing(
    principal: Principal,
    query: TaskListQuery,
    address: PageAddress,
    cache: PageCache,
    unless: Condition | None,
) -> NotModified | Page | Listing:
    """304 for a client that has the current page (If-None-Match `unless`), or the page cached
    for the caller's current tasks_version, else its tasks."""
    user = current_user(principal)
    key = page_key(user, address)
    return known_answer(key, cache, unless, validated=True) or listing(user.id, query, key)
