"""Lists as CalDAV calendar collections (inside a database call): their names in the user's
calendar home, one made at a name a client chose (MKCALENDAR), and what changed in one since a
sync point (RFC 6578 sync-collection).

A list's collection name is the one a client gave it with MKCALENDAR, else its id; a name a
client chooses is never all digits, so the two never meet. A list's sync point is the latest
change, in the user's change sequence (domain/changes.py), among the list itself, its tasks and
the tasks that left it (models/departures.py): it moves with every change of any of them
(domain/calendar_sync.py reads what changed since one).
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from domain.errors import Invalid, NotFound
from domain.lists import create_list, inbox_id_of, user_with_inbox
from domain.principal import Principal
from domain.schemas import ListCreate
from domain.users import current_user
from models import Departure, Task, TodoList, User

MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class Calendar:
    todo_list: TodoList
    is_default: bool
    sync_seq: int  # the list's sync point: the latest change of it, its tasks or its departures

    @property
    def name(self) -> str:
        return collection_name(self.todo_list)


def collection_name(todo_list: TodoList) -> str:
    return todo_list.dav_name or str(todo_list.id)


def home(principal: Principal) -> list[Calendar]:
    """The caller's lists as calendars, by position (the Inbox made first if it is not there)."""
    user = user_with_inbox(principal)
    query = with_sync_seq(user, TodoList.user == user.id).order_by(TodoList.position, TodoList.id)
    return [calendar_of(row, user) for row in query]


def calendar(principal: Principal, name: str) -> Calendar:
    """The caller's list whose collection name is `name`; 404 otherwise."""
    user = user_with_inbox(principal)
    row = with_sync_seq(user, TodoList.user == user.id, named(name)).first()
    if row is None:
        raise NotFound("No such calendar", "list", name)
    return calendar_of(row, user)


def list_named(user_id: str, name: str) -> TodoList:
    """The user's list whose collection name is `name` (no sync point: for reads and writes of
    its resources); 404 otherwise."""
    found: TodoList | None = TodoList.select().where((TodoList.user == user_id) & named(name)).first()
    if found is None:
        raise NotFound("No such calendar", "list", name)
    return found


def named(name: str) -> peewee.Expression:
    """The list whose collection name is `name` (a client's name, or the digits of its id)."""
    if name.isascii() and name.isdigit() and len(name) <= 18:
        return (TodoList.id == int(name)) & TodoList.dav_name.is_null()
    return TodoList.dav_name == name


def with_sync_seq(user: User, *conditions: peewee.Expression) -> peewee.ModelSelect[TodoList]:
    """The lists, each with the latest change numbered up to the user's current one among its
    tasks and its departures: one index seek each (tasks and departures by list and change)."""
    upto = user.tasks_version  # read first: every change up to it has committed
    tasks_seq = Task.select(peewee.fn.MAX(Task.change_seq)).where(
        (Task.list == TodoList.id) & (Task.change_seq <= upto)
    )
    departed_seq = Departure.select(peewee.fn.MAX(Departure.change_seq)).where(
        (Departure.list_id == TodoList.id) & (Departure.change_seq <= upto)
    )
    where = conditions[0]
    for condition in conditions[1:]:
        where &= condition
    return TodoList.select(TodoList, tasks_seq.alias("tasks_seq"), departed_seq.alias("departed_seq")).where(
        where
    )


def calendar_of(row: TodoList, user: User) -> Calendar:
    """A list read by `with_sync_seq`. Its own change counts once the user's number read first
    reaches it (a rename committed meanwhile is the next read's)."""
    own = row.change_seq if row.change_seq <= user.tasks_version else 0
    seq = max(own, getattr(row, "tasks_seq", None) or 0, getattr(row, "departed_seq", None) or 0)
    return Calendar(row, row.id == inbox_id_of(user), seq)


def check_new_name(name: str) -> None:
    """A collection name a client may choose: a path segment that is not all digits (those
    are the names of lists made elsewhere)."""
    if not 1 <= len(name) <= MAX_NAME_LENGTH or name in (".", "..") or "/" in name:
        raise Invalid.at(
            ("path", "calendar"), f"A calendar name is 1 to {MAX_NAME_LENGTH} characters", "name"
        )
    if name.isdigit():
        raise Invalid.at(("path", "calendar"), "A new calendar's name may not be all digits", "name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise Invalid.at(("path", "calendar"), "A calendar name has no control characters", "name")


def make_calendar(principal: Principal, name: str, fields: ListCreate) -> Calendar:
    """A new list reachable as collection `name`. A list name already taken gets " (2)", " (3)"...
    (a client making "Tasks" where the user has one should not fail)."""
    check_new_name(name)
    user = current_user(principal)
    wanted = fields.name
    for number in range(2, 100):
        taken = TodoList.select().where((TodoList.user == user.id) & (TodoList.name_key == wanted.lower()))
        if not taken.exists():
            break
        suffix = f" ({number})"
        wanted = fields.name[: 100 - len(suffix)] + suffix
    create_list(principal, ListCreate(name=wanted, color=fields.color), dav_name=name)
    return calendar(principal, name)


def named_calendar_exists(principal: Principal, name: str) -> bool:
    """Whether the caller has a collection named `name`."""
    user = current_user(principal)
    return bool(TodoList.select().where((TodoList.user == user.id) & named(name)).exists())
