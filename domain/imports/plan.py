"""The service's rules applied to what a file holds, before anything is written: each task's
fields as POST /api/tasks checks them (domain/schemas.py), and the tree (every parent in the
file, no cycle, at most MAX_DEPTH levels). A file that breaks one is refused whole: `Invalid`
with a problem for each place (at most MAX_ISSUES), its `loc` naming the file and line (CSV)
or the task's index and field (JSON).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from pydantic import ValidationError

from domain.errors import Invalid
from domain.errors import Problem as Issue
from domain.imports import formats
from domain.imports.records import Problem, Source, SourceList, SourceTask
from domain.schemas import TaskCreate
from domain.tree import MAX_DEPTH
from domain.validation import validation_details

MAX_ISSUES = 50


@dataclass(frozen=True)
class PlannedTask:
    source: SourceTask
    fields: TaskCreate
    depth: int  # its level within the file (1: top level)


@dataclass(frozen=True)
class Plan:
    """What to import: the lists, the tasks with parents before children (siblings in the
    file's order), and what was changed while reading."""

    format: str
    lists: list[SourceList]
    tasks: list[PlannedTask]
    problems: list[Problem]


def prepared(
    body: bytes, *, file: str | None, list_name: str | None, limit: int, zone: str, now: dt.datetime
) -> Plan:
    """The file read (domain/imports/formats.py says how) and checked: pure, for a worker thread."""
    return checked(formats.read(body, file=file, list_name=list_name, limit=limit, zone=zone, now=now))


def checked(source: Source) -> Plan:
    issues: list[Issue] = []
    fields: dict[str, TaskCreate] = {}
    refs: set[str] = set()
    uids: set[str] = set()
    list_keys = {source_list.key for source_list in source.lists}
    for task in source.tasks:
        if task.ref in refs:
            issues.append(issue(task, "id", f"Task {task.ref} is in the file twice", "id_repeated"))
        refs.add(task.ref)
        if task.uid is not None:
            if task.uid in uids:
                issues.append(issue(task, "uid", f"UID {task.uid!r} is in the file twice", "uid_repeated"))
            uids.add(task.uid)
        if task.list_key not in list_keys:
            issues.append(issue(task, "list_id", "The task's list is not in the file", "list_unknown"))
        try:
            fields[task.ref] = task.checked or TaskCreate.model_validate(task.fields)
        except ValidationError as exc:
            issues.extend(located(task, exc))
        if len(issues) >= MAX_ISSUES:
            break
    ordered = tree_order(source.tasks, refs, issues)
    if issues:
        raise Invalid(issues[:MAX_ISSUES])
    planned = [PlannedTask(task, fields[task.ref], depth) for task, depth in ordered]
    return Plan(source.format, source.lists, planned, source.problems)


def tree_order(tasks: list[SourceTask], refs: set[str], issues: list[Issue]) -> list[tuple[SourceTask, int]]:
    """Each task after its parent, with its depth; siblings in the order they came."""
    children: dict[str | None, list[SourceTask]] = defaultdict(list)
    for task in tasks:
        if task.parent_ref is not None and task.parent_ref not in refs:
            msg = f"Its parent {task.parent_ref} is not in the file"
            issues.append(issue(task, "parent_id", msg, "task_unknown"))
        children[task.parent_ref].append(task)
    ordered: list[tuple[SourceTask, int]] = []
    level = [(task, 1) for task in children[None]]
    while level:
        ordered.extend(level)
        for task, depth in level:
            if depth > MAX_DEPTH:
                issues.append(
                    issue(task, "parent_id", f"Tasks nest at most {MAX_DEPTH} levels deep", "too_deep")
                )
        level = [(child, depth + 1) for task, depth in level for child in children[task.ref]]
    placed = {task.ref for task, _ in ordered}
    for task in tasks:
        if task.ref not in placed and task.parent_ref in refs:
            issues.append(issue(task, "parent_id", "The task is under itself (a cycle of parents)", "cycle"))
    return ordered


def located(task: SourceTask, exc: ValidationError) -> list[Issue]:
    """pydantic's problems with the task's place: the CSV line (the column in the message) or
    the JSON field."""
    found = []
    for detail in validation_details(exc, "body"):
        field = detail["loc"][1] if len(detail["loc"]) > 1 else None
        if task.where.file is None:
            loc = task.where.loc() + detail["loc"][1:]
            found.append({**detail, "loc": loc})
        else:
            column = task.columns.get(str(field), str(field)) if field is not None else None
            msg = f"{column}: {detail['msg']}" if column else detail["msg"]
            found.append({**detail, "loc": task.where.loc(), "msg": msg})
    return found


def issue(task: SourceTask, field: str, msg: str, error_type: str) -> Issue:
    if task.where.file is None:
        return {"loc": task.where.loc(field), "msg": msg, "type": error_type}
    return {"loc": task.where.loc(), "msg": msg, "type": error_type}
