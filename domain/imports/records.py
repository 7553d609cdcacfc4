"""What a file to import holds once read: lists and tasks as plain values, each with where in
the file it was read, before any of the service's rules is applied (domain/imports/plan.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from domain.schemas import TaskCreate


@dataclass(frozen=True)
class Where:
    """A place in the file: a CSV file's 1-based line, or a path in the JSON document."""

    file: str | None = None
    line: int | None = None
    path: tuple[str | int, ...] = ()

    def loc(self, name: str | None = None) -> list[str | int]:
        """The `loc` of a 422 about this place: `["body", file, line]` for CSV, `["body",
        "tasks", index, name]` for JSON (`name`: the field)."""
        if self.file is not None:
            return ["body", self.file] if self.line is None else ["body", self.file, self.line]
        return ["body", *self.path, *([name] if name is not None else [])]

    def __str__(self) -> str:
        if self.file is not None:
            return self.file if self.line is None else f"{self.file}:{self.line}"
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
        return text or "body"


@dataclass(frozen=True)
class Problem:
    """What was imported with a change (a section dropped, a date not understood...)."""

    where: Where
    detail: str

    def json(self) -> dict[str, str]:
        return {"where": str(self.where), "detail": self.detail}


@dataclass
class SourceList:
    """A list of the file: `key` is how its tasks name it; `default` marks the source's own
    default list (an Inbox), which goes into the user's."""

    key: str
    name: str
    where: Where
    color: str | None = None
    default: bool = False


@dataclass
class SourceTask:
    """A task of the file. `fields` are as the body of POST /api/tasks would hold them;
    `columns` name the column (CSV) or field (JSON) each was read from, for messages. `ref`
    is its id in the file, `parent_ref` its parent's (None: top level). A task with a `uid`
    is a duplicate when the user has a task of that uid; one without, when the user has one
    of the same list, title, parent and due date (or, `by_rule`, the same recurrence: a due
    date the reader worked out from a phrase such as "every monday" moves from day to day)."""

    ref: str
    list_key: str
    parent_ref: str | None
    fields: dict[str, Any]
    where: Where
    columns: dict[str, str] = field(default_factory=dict)
    uid: str | None = None
    created_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    by_rule: bool = False
    checked: TaskCreate | None = None  # `fields` as POST /api/tasks checks them, when the reader did


@dataclass
class Source:
    """Everything a file holds: its lists (in their order), its tasks (siblings in their
    order, a child possibly before its parent), and what was changed while reading."""

    format: str
    lists: list[SourceList] = field(default_factory=list)
    tasks: list[SourceTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add_list(self, source_list: SourceList) -> SourceList:
        """The list of that key, added the first time it is named."""
        for known in self.lists:
            if known.key == source_list.key:
                return known
        self.lists.append(source_list)
        return source_list
