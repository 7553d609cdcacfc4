"""Todoist's project CSV (its backup ZIP holds one per project, named `<project> [<id>].csv`),
as Todoist's help describes it and its exports write it: a header naming the columns (TYPE,
CONTENT, DESCRIPTION, PRIORITY, INDENT, AUTHOR, RESPONSIBLE, DATE, DATE_LANG, TIMEZONE, and in
newer files IS_COLLAPSED, DURATION, DURATION_UNIT, DEADLINE, DEADLINE_LANG; read by name, not
place), `meta` rows (the view), blank rows between tasks, then `task`, `note` and `section`
rows.

A task row is a task: `@label`s in CONTENT are its tags, PRIORITY 1 (Todoist's p1, its highest)
is high, 2 medium, 3 low, 4 (its default) or none medium; INDENT 2-4 makes it a subtask of the
nearest task above with a smaller INDENT. A `note` row (a comment) is added to the description
of the task above it; an attachment's JSON in it (`[[file {...}]]`) becomes its link. A
`section` row is dropped, its tasks kept. DATE: an ISO date or date-time is the due date (in
TIMEZONE); an English "every ..." phrase a rule (domain/imports/every.py); anything else
(`tomorrow`, another language: Todoist writes the words the user typed) is dropped with a
problem. What has no place here (DEADLINE, DURATION) is dropped with a problem. The rows carry
no ids: a task is a duplicate by its list, title, parent and due date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from domain.errors import Invalid
from domain.fields import trim
from domain.imports.csv_rows import cell, header_index, is_blank, rows
from domain.imports.dates import iso_due, zone_of
from domain.imports.every import repeat_of
from domain.imports.records import Problem, Source, SourceList, SourceTask, Where

FORMAT = "todoist"
REQUIRED = ("TYPE", "CONTENT")
PRIORITIES = {"1": "high", "2": "medium", "3": "low", "4": "medium", "": "medium"}
LABEL = re.compile(r"(?<!\S)@([^\s@]+)")
ATTACHMENT = re.compile(r"\[\[file (\{.*?\})\]\]", re.DOTALL)
PROJECT_ID = re.compile(r"\s*\[[^\[\]]*\]$")  # " [2203306141]" after a backup file's project name
MAX_DESCRIPTION = 1000


def is_todoist_header(cells: list[str]) -> bool:
    names = {name.strip().upper() for name in cells}
    return all(name in names for name in REQUIRED)


def list_name_of(file: str) -> str:
    """A backup file's project name: its file name without the folder, `.csv` and ` [id]`."""
    stem = file.rsplit("/", 1)[-1]
    stem = stem[: -len(".csv")] if stem.lower().endswith(".csv") else stem
    return PROJECT_ID.sub("", stem).strip() or stem


def read(
    text: str, file: str, list_name: str, default: bool, source: Source, zone: str, now: dt.datetime
) -> None:
    """Add the file's list, tasks and problems to `source` (`zone`: the user's, for dates
    without a TIMEZONE)."""
    source.add_list(SourceList(key=list_name.lower(), name=list_name, where=Where(file), default=default))
    reader = rows(text, file)
    index: dict[str, int] | None = None
    stack: list[tuple[int, SourceTask]] = []  # the tasks above, each with its INDENT
    last: SourceTask | None = None
    for line, cells in reader:
        where = Where(file, line)
        if index is None:
            if is_blank(cells):
                continue
            index = {name.upper(): place for name, place in header_index(cells).items()}
            continue
        if is_blank(cells):
            continue
        kind = cell(cells, index, "TYPE").lower()
        if kind == "task":
            last = task_of(cells, index, where, list_name.lower(), stack, source, zone, now)
        elif kind == "note":
            add_note(last, cell(cells, index, "CONTENT"), where, source)
        elif kind == "section":
            name = cell(cells, index, "CONTENT")
            source.problems.append(Problem(where, f"Section {name!r} is not kept: its tasks are in the list"))
            stack, last = [], None
        elif kind != "meta":
            msg = f"TYPE {kind!r} is not task, note, section or meta"
            raise Invalid.at(tuple(where.loc()), msg, "todoist_type")


def task_of(
    cells: list[str],
    index: dict[str, int],
    where: Where,
    list_key: str,
    stack: list[tuple[int, SourceTask]],
    source: Source,
    zone: str,
    now: dt.datetime,
) -> SourceTask:
    content = cell(cells, index, "CONTENT")
    tags = LABEL.findall(content)
    title = " ".join(LABEL.sub(" ", content).split()) or content
    priority = cell(cells, index, "PRIORITY")
    if priority not in PRIORITIES:
        raise Invalid.at(tuple(where.loc()), f"PRIORITY {priority!r} is not 1, 2, 3 or 4", "todoist_priority")
    indent_text = cell(cells, index, "INDENT") or "1"
    if not indent_text.isdigit() or int(indent_text) < 1:
        raise Invalid.at(tuple(where.loc()), f"INDENT {indent_text!r} is not 1, 2, 3 or 4", "todoist_indent")
    indent = int(indent_text)
    while stack and stack[-1][0] >= indent:
        stack.pop()
    if indent > 1 and not stack:
        msg = f"INDENT {indent} makes a subtask, but no task above it has a smaller INDENT"
        raise Invalid.at(tuple(where.loc()), msg, "task_unknown")
    fields: dict[str, Any] = {"title": title, "priority": PRIORITIES[priority], "tags": tags}
    if description := cell(cells, index, "DESCRIPTION"):
        fields["description"] = description
    fields.update(due_fields(cells, index, where, source, zone, now))
    by_rule = "recurrence" in fields  # its due date was worked out from today
    for column in ("DEADLINE", "DURATION"):
        if value := cell(cells, index, column):
            source.problems.append(Problem(where, f"{column} {value!r} has no place here: not imported"))
    task = SourceTask(
        ref=str(where),
        list_key=list_key,
        parent_ref=stack[-1][1].ref if stack else None,
        fields=fields,
        where=where,
        columns={"title": "CONTENT", "tags": "CONTENT", "description": "DESCRIPTION", "due_date": "DATE"},
        by_rule=by_rule,
    )
    source.tasks.append(task)
    stack.append((indent, task))
    return task


def due_fields(
    cells: list[str], index: dict[str, int], where: Where, source: Source, zone: str, now: dt.datetime
) -> dict[str, Any]:
    """`due_date`, `time_zone` and `recurrence` from DATE and TIMEZONE."""
    text = cell(cells, index, "DATE")
    zone_name = cell(cells, index, "TIMEZONE")
    task_zone = zone_of(zone_name, zone)
    fields: dict[str, Any] = {"time_zone": task_zone.key} if zone_name == task_zone.key else {}
    if zone_name and zone_name != task_zone.key:
        source.problems.append(Problem(where, f"TIMEZONE {zone_name!r} is no IANA time zone: yours is used"))
    if not text:
        return fields
    if text.lower().startswith("every") or text.lower() in (
        "daily",
        "weekly",
        "monthly",
        "yearly",
        "annually",
    ):
        repeat = repeat_of(text, task_zone, now)
        if repeat is None:
            source.problems.append(
                Problem(where, f"DATE {text!r} is no repeat this service reads: not imported")
            )
            return fields
        if repeat.from_completion:
            detail = f"DATE {text!r} repeats from the due date, not from the completion"
            source.problems.append(Problem(where, detail))
        return {**fields, "due_date": repeat.due, "recurrence": repeat.rule}
    due = iso_due(text, task_zone)
    if due is None:
        detail = (
            f"DATE {text!r} is not an ISO date (2026-10-09, 2026-10-09T18:00) "
            "nor a repeat in English (every monday): not imported"
        )
        source.problems.append(Problem(where, detail))
        return fields
    return {**fields, "due_date": due[0]}


def add_note(task: SourceTask | None, text: str, where: Where, source: Source) -> None:
    """A comment added to the description of the task above it, when it fits."""
    note = ATTACHMENT.sub(attachment_link, text).strip()
    if not note:
        return
    if task is None:
        source.problems.append(Problem(where, "A note with no task above it: not imported"))
        return
    description = task.fields.get("description")
    joined = f"{description}\n\n{note}" if description else note
    if len(joined) > MAX_DESCRIPTION:
        detail = f"Note not imported: the task's description would pass {MAX_DESCRIPTION} characters"
        source.problems.append(Problem(where, detail))
        return
    task.fields["description"] = joined


def attachment_link(found: re.Match[str]) -> str:
    """An attachment as its name and link (Todoist writes its JSON into the note)."""
    try:
        data = json.loads(found[1])
    except ValueError:
        return found[0]
    if not isinstance(data, dict):
        return found[0]
    link = data.get("file_url") or data.get("url") or ""
    name = data.get("file_name") or data.get("title") or ""
    return trim(f"{name} {link}") or found[0]
