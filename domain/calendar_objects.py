"""Tasks as CalDAV calendar object resources (inside a database call): each task is one
resource in its list's collection, found by its name there, written whole by a client's PUT
(RFC 4791 5.3.2) and deleted by its DELETE.

A task's resource name is the one a client chose when it made the task (`Task.dav_name`),
else `<uid>.ics`. Its UID is unique among the user's tasks: a PUT whose UID another task has is
refused (`UidTaken`), and a replacement keeps its resource's UID. A PUT's preconditions are
checked against the resource's ETag (the task's, domain/versions.py) with the task's row
locked, so of two concurrent writes from one version, one gets 412.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.calendars import collection_name, list_named
from domain.changes import ChangeSet, begin_change, with_subtasks
from domain.errors import Invalid, UidTaken, VersionMismatch
from domain.principal import Principal
from domain.schemas import TaskCreate
from domain.tasks import ClientCopy, created, patched
from domain.users import current_user
from domain.versions import Condition, etag_of, require_match
from models import Task, TodoList, bound_database
from models.database import is_sqlite
from models.queries import tags_by_task


@dataclass(frozen=True)
class Copy:
    """A task as its resource shows it: the task, its tags, its parent's UID (None: none)."""

    task: Task
    tags: list[str]
    parent_uid: str | None

    @property
    def name(self) -> str:
        return resource_name(self.task)


def resource_name(task: Task) -> str:
    return task.dav_name or f"{task.uid}.ics"


def find(user_id: str, list_id: int, name: str, *, for_update: bool = False) -> Task | None:
    """The task of list `list_id` whose resource name is `name`; `for_update` locks its row
    where the database can (SQLite's writers are one at a time)."""
    mine = (Task.user == user_id) & (Task.list == list_id)
    ways = [Task.dav_name == name]
    if name.endswith(".ics"):
        ways.insert(0, (Task.uid == name[:-4]) & Task.dav_name.is_null())
    for way in ways:
        query = Task.select().where(mine & way).order_by(Task.id).limit(1)
        if for_update and not is_sqlite(bound_database()):
            query = query.for_update()
        found: Task | None = query.first()
        if found is not None:
            return found
    return None


def copies_of(tasks: list[Task]) -> list[Copy]:
    """Each task with its tags and its parent's UID, in two queries."""
    tags = tags_by_task(task.id for task in tasks)
    parent_ids = {task.parent_id for task in tasks if task.parent_id is not None}
    uids: dict[int, str] = {}
    if parent_ids:
        uids = {row.id: row.uid for row in Task.select(Task.id, Task.uid).where(Task.id.in_(parent_ids))}
    return [
        Copy(task, tags.get(task.id, []), uids.get(task.parent_id) if task.parent_id else None)
        for task in tasks
    ]


def read_copy(principal: Principal, collection: str, name: str) -> Copy | None:
    """The resource `name` of the caller's collection (None: no such resource)."""
    user = current_user(principal)
    task = find(user.id, list_named(user.id, collection).id, name)
    return None if task is None else copies_of([task])[0]


def read_copies(
    principal: Principal, collection: str, names: list[str] | None = None
) -> tuple[TodoList, list[Copy]]:
    """The collection's list and its resources (those named in `names`, when given): the
    top-level tasks first, each level by position."""
    user = current_user(principal)
    todo_list = list_named(user.id, collection)
    in_list = Task.list == todo_list.id
    if names is None:
        order = (Task.parent.is_null(False), Task.sort_key, Task.id)
        return todo_list, copies_of(list(Task.select().where(in_list).order_by(*order)))
    by_uid = [name[:-4] for name in names if name.endswith(".ics")]
    tasks = list(Task.select().where(in_list & Task.dav_name.in_(names))) if names else []
    if by_uid:
        tasks.extend(Task.select().where(in_list & Task.uid.in_(by_uid) & Task.dav_name.is_null()))
    return todo_list, copies_of(tasks)


@dataclass(frozen=True)
class Written:
    copy: Copy
    created: bool


class ClientVersion(Protocol):
    """A client's new copy of a task, as the CalDAV door read it: its UID, its parent's UID,
    and the task's fields and kept properties once the domain knows the user's zone, the list
    and the parent (None: the parent is not a task of that list, so the copy keeps its line)."""

    @property
    def uid(self) -> str: ...

    @property
    def parent_uid(self) -> str | None: ...

    def prepared(self, zone: str, list_id: int, parent: Task | None) -> tuple[TaskCreate, str | None]: ...


def put_copy(
    principal: Principal,
    collection: str,
    name: str,
    version: ClientVersion,
    if_match: Condition | None,
    if_none_match: Condition | None,
) -> Written:
    """PUT: make resource `name` of the collection from a client's copy, or replace it whole.
    Its parent is the task its RELATED-TO names when that task is in the same list (a subtask
    lives in its parent's list)."""
    change = begin_change(principal)
    user_id = change.user.id
    todo_list = list_named(user_id, collection)
    task = find(user_id, todo_list.id, name, for_update=True)
    if task is None:
        require_absent(if_match)
    else:
        require_match(if_match, etag_of(task))
        if if_none_match is not None and if_none_match.matches_weakly(etag_of(task)):
            raise VersionMismatch("The resource exists already (If-None-Match)", etag_of(task))
    require_uid_free(change, version.uid, task)
    parent = None
    if version.parent_uid is not None and version.parent_uid != version.uid:
        parent = Task.get_or_none(
            (Task.user == user_id) & (Task.uid == version.parent_uid) & (Task.list == todo_list.id)
        )
    fields, extra = version.prepared(change.user.time_zone, todo_list.id, parent)
    if task is None:
        dav_name = None if name == f"{version.uid}.ics" else name
        made, _ = created(change, fields, ClientCopy(version.uid, dav_name, extra))
        return Written(copies_of([made])[0], created=True)
    if task.uid != version.uid:
        raise Invalid.at(("body", "UID"), "A resource's UID cannot change: PUT it as a new resource", "uid")
    task, _ = patched(change, task, fields, ClientCopy(task.uid, task.dav_name, extra))
    return Written(copies_of([task])[0], created=False)


def require_absent(if_match: Condition | None) -> None:
    """An If-Match (even `*`) on a resource that does not exist fails (RFC 9110 13.1.1)."""
    if if_match is not None:
        raise VersionMismatch("There is no such resource (If-Match)", "")


def require_uid_free(change: ChangeSet, uid: str, task: Task | None) -> None:
    other = Task.select(Task.id, Task.uid, Task.dav_name, Task.list).where(
        (Task.user == change.user.id) & (Task.uid == uid)
    )
    if task is not None:
        other = other.where(Task.id != task.id)
    holder = other.first()
    if holder is not None:
        todo_list = TodoList.get_by_id(holder.list_id)
        raise UidTaken("Another task has this UID", collection_name(todo_list), resource_name(holder))


def delete_copy(principal: Principal, collection: str, name: str, if_match: Condition | None) -> bool:
    """DELETE: the resource and its subtasks' (a task's subtasks go with it); False when there
    is no such resource."""
    change = begin_change(principal)
    task = find(change.user.id, list_named(change.user.id, collection).id, name, for_update=True)
    if task is None:
        require_absent(if_match)
        return False
    require_match(if_match, etag_of(task))
    change.tasks_deleted(with_subtasks([task.id]))
    return True
