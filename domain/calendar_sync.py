"""What changed in a CalDAV collection since a sync token (RFC 6578 sync-collection), inside a
database call.

A token names a list's sync point (domain/calendars.py): the resources changed since are the
list's tasks numbered after it, and those gone are the departures after it of tasks not back
in the list. Tokens are change-feed cursors (domain/cursors.py), signed for the user, stamped
with the day they were given: the same all day for the same point (a client comparing tokens
sees no change where there is none), and refused once older than CHANGES_RETENTION_DAYS (the
departures they need may be purged), as is a token this service never gave the user.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from domain.calendar_objects import Copy, copies_of
from domain.calendars import Calendar, calendar, home
from domain.cursors import Cursors, Position
from domain.errors import CursorExpired, Invalid, SyncPointUnknown
from domain.principal import Principal
from domain.users import current_user
from models import Departure, Task, User

DAY = 86400


@dataclass(frozen=True)
class SyncAnswer:
    calendar: Calendar
    changed: list[Copy]  # the resources changed since the token, in the order of their changes
    gone: list[str]  # the names of the resources that left since the token
    token: str  # the token of the collection's sync point now


def sync_token(cursors: Cursors, user: User, seq: int) -> str:
    day_start = int(time.time()) // DAY * DAY
    return cursors.encode(user, Position.complete(seq), day_start)


def since_token(cursors: Cursors, user: User, token: str) -> int:
    """The sync point a token names; SyncPointUnknown for one never given or too old."""
    try:
        position, _ = cursors.decode(user, token)
    except (Invalid, CursorExpired):
        raise SyncPointUnknown("The sync token is unknown or too old: sync again from nothing") from None
    return position.seq


def sync_changes(principal: Principal, collection: str, token: str | None, cursors: Cursors) -> SyncAnswer:
    """What changed in `collection` since `token` (None: every resource, none gone)."""
    found = calendar(principal, collection)
    user = current_user(principal)
    since = -1 if token is None else since_token(cursors, user, token)
    upto, list_id = found.sync_seq, found.todo_list.id
    span = (Task.change_seq > since) & (Task.change_seq <= upto)
    tasks = list(Task.select().where((Task.list == list_id) & span).order_by(Task.change_seq, Task.id))
    changed = copies_of(tasks)
    gone: list[str] = []
    if token is not None:
        present = {each.name for each in changed}
        departures = Departure.select(Departure.uid, Departure.dav_name).where(
            (Departure.list_id == list_id) & (Departure.change_seq > since) & (Departure.change_seq <= upto)
        )
        for row in departures.order_by(Departure.change_seq, Departure.id):
            name = row.dav_name or f"{row.uid}.ics"
            if name not in present and name not in gone:
                gone.append(name)
    return SyncAnswer(found, changed, gone, sync_token(cursors, user, upto))


def calendar_with_token(principal: Principal, collection: str, cursors: Cursors) -> tuple[Calendar, str]:
    """The caller's calendar `collection`, with the token of its sync point."""
    found = calendar(principal, collection)
    return found, sync_token(cursors, current_user(principal), found.sync_seq)


def home_with_tokens(principal: Principal, cursors: Cursors) -> list[tuple[Calendar, str]]:
    """The caller's calendars, each with the token of its sync point."""
    user = current_user(principal)
    return [(each, sync_token(cursors, user, each.sync_seq)) for each in home(principal)]
