"""Sync tokens as RFC 6578 wants them, URIs: a change-feed cursor (domain/calendar_sync.py)
inside this service's URN."""

from __future__ import annotations

PREFIX = "urn:x-todo-api:sync:"


def token_uri(cursor: str) -> str:
    return PREFIX + cursor


def cursor_of(uri: str) -> str:
    """The cursor a token URI holds (a string that is not one of ours is read as is: the
    domain refuses it as a token never given)."""
    return uri.strip().removeprefix(PREFIX)
