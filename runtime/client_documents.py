"""Fetching a client ID metadata document: the JSON an OAuth client publishes at the https URL
it uses as its `client_id` (draft-ietf-oauth-client-id-metadata-document).

Under the outbound address rules of webhooks (runtime/webhook_urls.py: public addresses only,
unless WEBHOOK_ALLOW_PRIVATE, which then also allows http:// to a private or loopback
address: tests, private networks), within FETCH_SECONDS and
MAX_DOCUMENT_BYTES, no redirect followed. It may be kept as long as its Cache-Control says, at
most MAX_AGE_SECONDS. Blocking: run it in a worker thread.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from runtime.pinned_http import pinned_connection
from runtime.webhook_urls import RefusedURL, is_public, target

FETCH_SECONDS = 5
MAX_DOCUMENT_BYTES = 64 * 1024
MAX_AGE_SECONDS = 24 * 3600
USER_AGENT = "todo-api-oauth/1"
MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?\s*(?:,|$)", re.IGNORECASE)
NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)", re.IGNORECASE)


class DocumentRefused(Exception):
    """The sentence says why the document cannot be had."""


def fetch_document(url: str, allow_private: bool) -> tuple[Any, int]:
    """The document's JSON, and for how many seconds it may be kept."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise DocumentRefused("its URL must be https://")
    if parts.fragment or parts.path in ("", "/"):
        raise DocumentRefused("its URL must have a path and no fragment")
    try:
        where = target(url, allow_private)
    except RefusedURL as exc:
        raise DocumentRefused(f"its URL {exc}") from None
    if parts.scheme == "http" and is_public(where.address):
        raise DocumentRefused("its URL must be https://")
    deadline = time.monotonic() + FETCH_SECONDS
    connection = pinned_connection(where, FETCH_SECONDS)
    try:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        connection.request("GET", where.path, headers=headers)
        response = connection.getresponse()
        if response.status != 200:
            raise DocumentRefused(f"its URL answered {response.status}")
        body = read_within(response, deadline)
        cache_control = response.getheader("Cache-Control") or ""
    except (OSError, http.client.HTTPException) as exc:
        raise DocumentRefused(f"it could not be fetched: {type(exc).__name__}") from None
    finally:
        connection.close()
    try:
        return json.loads(body.decode("utf-8")), kept_for(cache_control)
    except (UnicodeDecodeError, ValueError):
        raise DocumentRefused("it is not JSON") from None


def read_within(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The body, refused past MAX_DOCUMENT_BYTES or the deadline (a server may send it slowly)."""
    chunks, size = [], 0
    while chunk := response.read1(16 * 1024):
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentRefused(f"it is larger than {MAX_DOCUMENT_BYTES} bytes")
        if time.monotonic() > deadline:
            raise DocumentRefused(f"it took longer than {FETCH_SECONDS} seconds")
        chunks.append(chunk)
    return b"".join(chunks)


def kept_for(cache_control: str) -> int:
    """Seconds to keep the document: its max-age, at most MAX_AGE_SECONDS; 0 without one, or
    with no-store or no-cache (fetched again at each authorization request)."""
    if NO_CACHE.search(cache_control) or not (found := MAX_AGE.search(cache_control)):
        return 0
    return min(int(found.group(1)), MAX_AGE_SECONDS)
