"""Lists: the caller's lists of tasks, their Inbox, order and deletion (inside a database call).

Every user has one default list, the Inbox (`User.default_list_id`), made by the first request
that needs it (before any other list) while it holds the user's row locked, so two first
requests make one. Names are
unique per user whatever their case (the `name_key` column, lower-cased, is unique).
"""

from __future__ import annotations

import peewee

from domain import positions
from domain.changes import ChangeSet, begin_change
from domain.errors import Conflict, DefaultListKept, Invalid, NotFound
from domain.events import LIST_CREATED, LIST_UPDATED, TASK_UPDATED
from domain.fields import INT64_MAX
from domain.principal import Principal
from domain.schemas import ListCreate, ListPatch
from domain.unit_of_work import require_write
from domain.users import current_user
from domain.versions import Condition, etag_of, require_match
from models import Task, TodoList, User, queries, utc_now
from models.queries import last_key
from models.statements import Statement

MAX_LISTS = 1000
INBOX = "Inbox"

Lists = tuple[list[TodoList], int]  # the lists, and the id of the default one
ListAndDefault = tuple[TodoList, int | None]  # a list, and the id of the user's default one

# GET /api/lists reads this every time: its SQL is written once (models/statements.py).
LISTS_BY_POSITION = Statement(
    lambda user_id: TodoList.select().where(TodoList.user == user_id).order_by(TodoList.position, TodoList.id)
)


def read_lists(principal: Principal) -> Lists:
    """The caller's lists by position."""
    user = user_with_inbox(principal)
    return LISTS_BY_POSITION.models(TodoList, user.id), inbox_id_of(user)


def find_list(principal: Principal, reference: int | str) -> TodoList:
    """The caller's list of that id, or of that name whatever its case (a name made of digits
    is tried as a name first); 404 otherwise (MCP's `list` argument). A number out of any
    id's range names no list (a database would refuse it as an id)."""
    user = user_with_inbox(principal)
    mine = TodoList.user == user.id
    found = None
    if isinstance(reference, str):
        found = TodoList.get_or_none(mine & (TodoList.name_key == reference.strip().lower()))
    number = reference if isinstance(reference, int) else as_number(reference)
    if found is None and number is not None and 1 <= number <= INT64_MAX:
        found = TodoList.get_or_none(mine & (TodoList.id == number))
    if found is None and isinstance(reference, int):
        raise NotFound(f"List {reference} was not found: list_lists shows them", "list", reference)
    if found is None:
        raise NotFound(f"No list is called {reference!r}: list_lists shows them", "list", reference)
    return found


def as_number(text: str) -> int | None:
    """The whole number `text` spells, if it is one that could be an id (at most 19 digits)."""
    digits = text.strip()
    return int(digits) if digits.isdigit() and len(digits) <= 19 else None


def user_with_inbox(principal: Principal) -> User:
    """The caller's row, their Inbox made first if it is not there yet."""
    user = current_user(principal)
    if user.default_list_id is None:
        require_write()
        change = begin_change(principal)
        inbox_id(change)
        user = change.user
    return user


def read_list(principal: Principal, list_id: int) -> ListAndDefault:
    user = current_user(principal)
    return owned_list(user.id, list_id), user.default_list_id


def inbox_id(change: ChangeSet) -> int:
    """The id of the user's default list, made now if the user has none yet."""
    user = change.user
    if user.default_list_id is None:  # then the user has no list at all: the Inbox comes first
        inbox = new_list(change, INBOX, None, positions.between(None, None))
        User.update(default_list_id=inbox.id).where(User.id == user.id).execute()
        user.default_list_id = inbox.id
        change.emit_list(LIST_CREATED, inbox)
    return user.default_list_id


def inbox_id_of(user: User) -> int:
    if user.default_list_id is None:
        raise AssertionError("the user's Inbox is made before their lists are read")
    return user.default_list_id


def create_list(principal: Principal, fields: ListCreate, dav_name: str | None = None) -> ListAndDefault:
    """A new list, last among the caller's; 409 for a name taken or past MAX_LISTS lists.
    `dav_name`: the collection name a CalDAV client chose for it (domain/calendars.py)."""
    change = begin_change(principal)
    default_id = inbox_id(change)
    user_id = change.user.id
    if TodoList.select().where(TodoList.user == user_id).count() >= MAX_LISTS:
        raise Conflict(f"At most {MAX_LISTS} lists: delete one first")
    require_unused(user_id, fields.name)
    last = TodoList.select(peewee.fn.MAX(TodoList.position)).where(TodoList.user == user_id).scalar()
    todo_list = new_list(change, fields.name, fields.color, positions.between(last, None), dav_name)
    change.emit_list(LIST_CREATED, todo_list)
    return todo_list, default_id


def new_list(
    change: ChangeSet, name: str, color: str | None, position: str, dav_name: str | None = None
) -> TodoList:
    now = utc_now()
    todo_list = TodoList(
        user=change.user.id,
        name=name,
        name_key=name.lower(),
        color=color,
        position=position,
        dav_name=dav_name,
    )
    todo_list.created_at = todo_list.updated_at = now
    change.list_written(todo_list, created=True)
    try:
        todo_list.save(force_insert=True)
    except peewee.IntegrityError:  # only a racing request of this user can get here first
        raise name_taken() from None
    return todo_list


def update_list(
    principal: Principal, list_id: int, fields: ListPatch, condition: Condition | None = None
) -> ListAndDefault:
    """Rename, recolour, or move (`after`: right after that list; null: first)."""
    change, todo_list = locked_list(principal, list_id, condition)
    sent = fields.model_fields_set
    changed = []
    if "name" in sent and fields.name != todo_list.name:
        if fields.name.lower() != todo_list.name_key:
            require_unused(change.user.id, fields.name)
        todo_list.name, todo_list.name_key = fields.name, fields.name.lower()
        changed.append("name")
    if "color" in sent and fields.color != todo_list.color:
        todo_list.color = fields.color
        changed.append("color")
    if "after" in sent and fields.after != todo_list.id:
        position = list_position_after(change.user.id, todo_list, fields.after)
        if position != todo_list.position:
            todo_list.position = position
            changed.append("position")
    if changed:
        todo_list.updated_at = utc_now()
        change.list_written(todo_list)
        todo_list.save()
        change.emit_list(LIST_UPDATED, todo_list, changed)
    return todo_list, change.user.default_list_id


def list_position_after(user_id: str, todo_list: TodoList, after: int | None) -> str:
    """The position right after list `after` (None: first), among the user's other lists."""
    others = (TodoList.user == user_id) & (TodoList.id != todo_list.id)
    if after is None:
        before_key = None
    else:
        before_key = TodoList.select(TodoList.position).where(others & (TodoList.id == after)).scalar()
        if before_key is None:
            raise Invalid.at(("body", "after"), f"List {after} is not one of your lists", "list_unknown")
    following = TodoList.select(peewee.fn.MIN(TodoList.position)).where(
        others if before_key is None else others & (TodoList.position > before_key)
    )
    after_key = following.scalar()
    if before_key is not None and after_key is not None and before_key < todo_list.position < after_key:
        return str(todo_list.position)  # already there
    return positions.between(before_key, after_key)


def delete_list(
    principal: Principal, list_id: int, move_to: int | None, condition: Condition | None = None
) -> None:
    """With its tasks (tombstones for each), or moving them last into list `move_to`; 409 for
    the default list."""
    change, todo_list = locked_list(principal, list_id, condition)
    if todo_list.id == change.user.default_list_id:
        raise DefaultListKept("The default list cannot be deleted: rename it instead")
    tasks = Task.select(Task.id).where(Task.list == todo_list.id)
    if move_to is None:
        change.tasks_deleted([task.id for task in tasks])
    else:
        if move_to == todo_list.id:
            msg = "cannot be the list being deleted"
            raise Invalid.at(("query", "move_to"), msg, "list_same")
        target = TodoList.get_or_none((TodoList.id == move_to) & (TodoList.user == change.user.id))
        if target is None:
            msg = f"List {move_to} is not one of your lists"
            raise Invalid.at(("query", "move_to"), msg, "list_unknown")
        move_all_tasks(change, todo_list, target)
    change.list_deleted(todo_list)


def move_all_tasks(change: ChangeSet, source: TodoList, target: TodoList) -> None:
    """Every task of `source` into `target`: the top-level ones after the target's last, in
    their order; subtasks stay under their parents."""
    seq = change.sequence()
    in_source = Task.list == source.id
    top = [
        task.id
        for task in Task.select(Task.id)
        .where(in_source & Task.parent.is_null())
        .order_by(Task.sort_key, Task.id)
    ]
    subtasks = [task.id for task in Task.select(Task.id).where(in_source & Task.parent.is_null(False))]
    key = last_key(target.id, None)
    for task_id in top:
        key = positions.between(key, None)
        Task.update(sort_key=key).where(Task.id == task_id).execute()
    Task.update(list=target.id, version=Task.version + 1, change_seq=seq).where(in_source).execute()
    change.emit_tasks(TASK_UPDATED, top, ["list_id", "position"])
    change.emit_tasks(TASK_UPDATED, subtasks, ["list_id"])
    change.counted(target.id, source.task_count, source.open_count)
    change.counted(source.id, -source.task_count, -source.open_count)


def locked_list(
    principal: Principal, list_id: int, condition: Condition | None
) -> tuple[ChangeSet, TodoList]:
    """The caller's list, for a change: the user's row locked first (as for tasks); 412 when
    `condition` (If-Match) does not allow its current ETag."""
    change = begin_change(principal)
    todo_list = owned_list(change.user.id, list_id)
    require_match(condition, etag_of(todo_list), "list")
    return change, todo_list


def owned_list(user_id: str, list_id: int) -> TodoList:
    """404 for a list that is not the user's, as for one that does not exist."""
    todo_list = queries.LIST_OF_USER.first(TodoList, list_id, user_id)
    if todo_list is None:
        raise NotFound("List not found", "list", list_id)
    return todo_list


def require_unused(user_id: str, name: str) -> None:
    if TodoList.select().where((TodoList.user == user_id) & (TodoList.name_key == name.lower())).exists():
        raise name_taken()


def name_taken() -> Conflict:
    return Conflict("You already have a list with that name")
