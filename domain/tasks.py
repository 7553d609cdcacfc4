"""Tasks: the rules of reading and changing one task or many (inside a database call).

Every change starts with `begin_change` (the user's row, locked), checks an If-Match against
the task's ETag once the task's own row is locked, and numbers what it wrote (`ChangeSet`). A
change that changes nothing (the values sent are the task's own) writes nothing: the version,
`updated_at`, the change feed and the list ETags stay as they were. Where a task may go (list,
parent, position) is domain/tree.py's; each change here keeps its lists' counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.changes import ChangeSet, begin_change, with_subtasks
from domain.errors import Invalid, NotFound
from domain.events import TASK_COMPLETED, TASK_CREATED, TASK_REOPENED, TASK_UPDATED
from domain.occurrences import MAX_DAYS_SEARCHED
from domain.principal import Principal
from domain.recurrence import findable
from domain.reminder_specs import shifted, shown, stored
from domain.reminders import arm, disarm
from domain.schemas import TaskCreate, TaskMove, TaskPatch
from domain.series import follow
from domain.tree import LAST, Place, complete_subtasks, destination, move_elsewhere, move_to, new_key
from domain.users import current_user
from domain.versions import Condition, etag_of, require_match
from models import PRIORITY_RANKS, Task, TaskTag, queries, utc_now
from models.queries import tags_by_task

TaskWithTags = tuple[Task, list[str]]
# What a change of only the properties a CalDAV client's copy holds beyond the task's fields
# names among the task.updated event's `changed` fields (RFC 4791's name for the whole).
CALENDAR_DATA = "calendar_data"


@dataclass(frozen=True)
class ClientCopy:
    """What a CalDAV client's copy of a task holds beyond the task's fields: its UID, the
    resource name it gave the task (None: `<uid>.ics`), and its properties the service does not
    model, as the CalDAV door wrote them (None: none). The domain keeps them as they are."""

    uid: str
    dav_name: str | None = None
    extra: str | None = None


def owned_task(user_id: str, task_id: int, *, for_update: bool = False) -> Task:
    """The task if it exists and belongs to `user_id`; 404 either way otherwise. `for_update`
    locks the row (queries.task_of_user)."""
    task = queries.task_of_user(task_id, user_id, for_update=for_update)
    if task is None:
        raise NotFound("Task not found", "task", task_id)
    return task


def read_task(principal: Principal, task_id: int) -> TaskWithTags:
    task = owned_task(current_user(principal).id, task_id)
    return task, tags_by_task([task.id])[task.id]


@dataclass(frozen=True)
class Kept:
    """What an imported task keeps of its past: when it was made and when it was completed
    (None: now, as for any new task)."""

    created_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


def create_task(principal: Principal, fields: TaskCreate) -> TaskWithTags:
    return created(begin_change(principal), fields)


def created(change: ChangeSet, fields: TaskCreate, copy: ClientCopy | None = None) -> TaskWithTags:
    """A new task, made by `change`, last among its siblings; `copy` gives what a CalDAV
    client's copy of it holds (else it gets a new UID)."""
    place = destination(change, None, placement(fields))
    task, tags = new_task(change, fields, place, new_key(place), copy)
    change.counted(place.list_id, 1, 0 if task.completed else 1)
    return task, tags


def new_task(
    change: ChangeSet,
    fields: TaskCreate,
    place: Place,
    key: str,
    copy: ClientCopy | None = None,
    kept: Kept | None = None,
) -> TaskWithTags:
    """A new task at `place` (checked by the caller) with position `key`: inserted with its
    tags, its reminders armed, its task.created event. Its list's counts are the caller's to
    add (`ChangeSet.counted`): an import adds many tasks' at once."""
    now = utc_now()
    task = Task(user=change.user.id, created_at=now, updated_at=now, time_zone=change.user.time_zone)
    if copy is not None:  # else the new task has a UID of its own (models.task.new_uid)
        task.uid, task.dav_name, task.ical_extra = copy.uid, copy.dav_name, copy.extra
    task.list_id, task.parent_id, task.sort_key = place.list_id, place.parent_id, key
    _, tags = apply_changes(task, [], fields, now)
    if kept is not None:
        task.created_at = kept.created_at or now
        if task.completed and kept.completed_at is not None:
            task.completed_at = kept.completed_at
    change.task_written(task, created=True)
    queries.insert_task_row(task)
    queries.insert_tags(task.id, tags)
    if task.reminders:
        arm(task, now, new=True)
    change.emit_task(TASK_CREATED, task, tags)
    return task, tags


def update_task(
    principal: Principal, task_id: int, fields: TaskPatch, condition: Condition | None = None
) -> TaskWithTags:
    """PUT and PATCH: apply the fields sent to the caller's task (a new list or parent puts it
    after its new siblings)."""
    change, task = locked_task(principal, task_id, condition)
    return patched(change, task, fields)


def reschedule_task(
    principal: Principal, task_id: int, due: dt.datetime, condition: Condition | None = None
) -> TaskWithTags:
    """A new due date: the task's `at` reminders move with it (`before` ones follow it by
    themselves) and its recurrence stays, the series going on from the new date."""
    change, task = locked_task(principal, task_id, condition)
    by = due - task.due_date if task.due_date is not None else dt.timedelta(0)
    fields = TaskPatch.model_validate({"due_date": due, "reminders": shown(shifted(task.reminders, by))})
    return patched(change, task, fields)


def patched(change: ChangeSet, task: Task, fields: TaskPatch, copy: ClientCopy | None = None) -> TaskWithTags:
    """The fields sent applied to `task`, locked by `change`; with `copy`, a CalDAV client's
    new copy of it, whose `extra` replaces the task's (its UID and name are the task's own)."""
    was_completed = task.completed
    moved = move_elsewhere(change, task, placement(fields))
    tags = tags_by_task([task.id])[task.id]
    now = utc_now()
    changed, new_tags = apply_changes(task, tags, fields, now)
    if copy is not None and copy.extra != task.ical_extra:
        task.ical_extra = copy.extra
        task.updated_at = now
        changed.append(CALENDAR_DATA)
    if moved or changed:
        task.updated_at = now
        save(change, task, new_tags, [*changed, *moved], was_completed, now)
    return task, new_tags


def move_task(
    principal: Principal, task_id: int, move: TaskMove, condition: Condition | None = None
) -> TaskWithTags:
    """Put the task right after sibling `after` (null: first; left out: last) in the list and
    under the parent sent (left out: where it is)."""
    change, task = locked_task(principal, task_id, condition)
    after = move.after if "after" in move.model_fields_set else LAST
    tags = tags_by_task([task.id])[task.id]
    if moved := move_to(change, task, placement(move), after):
        task.updated_at = utc_now()
        save(change, task, tags, moved, task.completed, task.updated_at)
    return task, tags


def placement(fields: TaskPatch | TaskMove) -> dict[str, int | None]:
    """The `list_id` and `parent_id` the client sent (domain/tree.py's `destination`)."""
    sent = fields.model_fields_set
    return {name: getattr(fields, name) for name in ("list_id", "parent_id") if name in sent}


def complete_task(
    principal: Principal, task_id: int, completed: bool | None, condition: Condition | None = None
) -> TaskWithTags:
    """Set `completed`, or flip it when None (two toggles at once flip it twice, never once)."""
    change, task = locked_task(principal, task_id, condition)
    wanted = (not task.completed) if completed is None else completed
    tags = tags_by_task([task.id])[task.id]
    if wanted != task.completed:
        now = utc_now()
        set_completed(task, wanted, now)
        task.updated_at = now
        save(change, task, tags, ["completed"], not wanted, now)
    return task, tags


def delete_task(principal: Principal, task_id: int, condition: Condition | None = None) -> Task:
    """The task as it was before it went, with its subtasks."""
    change, task = locked_task(principal, task_id, condition)
    change.tasks_deleted(with_subtasks([task.id]))
    return task


def delete_tasks(principal: Principal, completed: bool | None) -> int:
    """All the caller's tasks, or those whose `completed` is as given (with their subtasks);
    how many went."""
    change = begin_change(principal)
    condition = Task.user == change.user.id
    if completed is not None:
        condition &= Task.completed == completed
    task_ids = [task.id for task in Task.select(Task.id).where(condition)]
    return change.tasks_deleted(task_ids if completed is None else with_subtasks(task_ids))


def locked_task(principal: Principal, task_id: int, condition: Condition | None) -> tuple[ChangeSet, Task]:
    """The caller's task, locked for a change: the user's row first, then the task's, so
    concurrent edits of one user queue instead of losing one another; 412 when `condition`
    (If-Match) does not allow its current ETag."""
    change = begin_change(principal)
    task = owned_task(change.user.id, task_id, for_update=True)
    require_match(condition, etag_of(task))
    return change, task


def save(
    change: ChangeSet, task: Task, tags: list[str], changed: list[str], was_completed: bool, now: dt.datetime
) -> None:
    """Write `task` as one numbered change of the fields `changed` names (its tags too, when
    among them), with its events: task.updated for the fields, task.completed or
    task.reopened for its completion. Completing it completes its open subtasks (its list's
    open count follows), disarms its reminders and makes a recurring task's next occurrence;
    a new due date, new reminders or reopening re-arm them."""
    change.task_written(task)
    queries.update_task_row(task)
    if "tags" in changed:
        TaskTag.delete().where(TaskTag.task == task.id).execute()
        queries.insert_tags(task.id, tags)
    if fields := [name for name in changed if name != "completed"]:
        change.emit_task(TASK_UPDATED, task, tags, fields)
    if task.completed != was_completed:
        change.emit_task(TASK_COMPLETED if task.completed else TASK_REOPENED, task, tags)
        opened = -1 - complete_subtasks(change, task) if task.completed else 1
        change.counted(task.list_id, 0, opened)
    if task.completed and not was_completed:
        if task.reminders:
            disarm([task.id])
        follow(change, task, tags, now)
    elif {"due_date", "reminders", "completed"} & set(changed) and (task.reminders or "reminders" in changed):
        arm(task, now)


def apply_changes(
    task: Task, tags: list[str], fields: TaskPatch, now: dt.datetime
) -> tuple[list[str], list[str]]:
    """Set the fields sent on `task`; returns the names of those whose value changed, and the
    task's tags after the change. `updated_at` moves only when something changed."""
    sent = fields.model_fields_set
    new_values = {
        "title": fields.title,
        "description": fields.description,
        "due_date": fields.due_date,
        "priority": PRIORITY_RANKS[fields.priority] if "priority" in sent else None,
        "position": fields.order,
        "recurrence": fields.recurrence,
        "time_zone": fields.time_zone,
        "reminders": stored([each.shown() for each in fields.reminders or []]),
    }
    changed = []
    for name, value in new_values.items():
        public = "order" if name == "position" else name
        if public in sent and getattr(task, name) != value:
            setattr(task, name, value)
            changed.append(public)
    if "completed" in sent and fields.completed != task.completed:
        set_completed(task, fields.completed, now)
        changed.append("completed")
    new_tags = fields.tags if "tags" in sent else tags
    if new_tags != tags:
        changed.append("tags")
    if changed:
        require_due_date(task)
        if task.recurrence and task.due_date and {"recurrence", "due_date", "time_zone"} & set(changed):
            require_next_occurrence(task.recurrence, task.time_zone, task.due_date)
        task.title_key = task.title.lower()
        task.search_text = searchable(task.title, task.description)
        task.updated_at = now
    return changed, new_tags


def require_due_date(task: Task) -> None:
    """A rule repeats from the due date, and a `before` reminder counts back from it."""
    if task.due_date is not None:
        return
    if task.recurrence is not None:
        raise Invalid.at(("body", "recurrence"), "A recurring task needs a due_date", "due_date_missing")
    if any("before" in spec for spec in shown(task.reminders)):
        raise Invalid.at(
            ("body", "reminders"), "A reminder before the due date needs a due_date", "due_date_missing"
        )


def require_next_occurrence(rule: str, time_zone: str, due: dt.datetime) -> None:
    """A rule whose next occurrence after the due date cannot be found quickly is refused
    (the search runs here, in the database call, not while the request is read)."""
    if not findable(rule, time_zone, due):
        raise Invalid.at(
            ("body", "recurrence"),
            f"No occurrence of the rule after the due date within {MAX_DAYS_SEARCHED} days: "
            "it never occurs from that date, or only decades later",
            "recurrence_not_found",
        )


def set_completed(task: Task, completed: bool, now: dt.datetime) -> None:
    """`completed_at` is set when a task becomes completed, kept if it already was, cleared on reopen."""
    if completed and not task.completed:
        task.completed_at = now
    elif not completed:
        task.completed_at = None
    task.completed = completed


def searchable(title: str, description: str | None) -> str:
    return f"{title}\n{description or ''}".lower()
