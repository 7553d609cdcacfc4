"""Which format a file to import is, from its content alone (never its name or media type),
and its reading into a `Source`: a ZIP archive is a Todoist backup (a CSV file a project); a
JSON object is this service's export; a CSV file is one Todoist project (its header begins
TYPE,CONTENT) or a TickTick backup (its header, below metadata lines, names "List Name" and
"Title"). Anything else is `UnsupportedFormat`."""

from __future__ import annotations

import codecs
import datetime as dt
import json
from typing import Any

from domain.errors import Invalid, Unreadable, UnsupportedFormat
from domain.imports import archives, own, ticktick, todoist
from domain.imports.csv_rows import is_blank, rows, text_of
from domain.imports.records import Problem, Source, Where

MAX_TASKS = 100_000
KNOWN = "this service's export (JSON), a Todoist backup (ZIP or one project's CSV) or a TickTick backup (CSV)"


def read(
    body: bytes, *, file: str | None, list_name: str | None, limit: int, zone: str, now: dt.datetime
) -> Source:
    """The file's lists and tasks. `file`: its name when the client gave one; `list_name`:
    the list a lone Todoist CSV goes into (None: the Inbox); `limit`: the import's size limit
    (what an archive may expand to follows from it); `zone`: the user's time zone."""
    if not body.strip():
        raise Invalid.at(("body",), "Field required: send the file to import as the body", "missing")
    if archives.is_zip(body):
        source = zip_source(body, limit, zone, now)
        name_applies = False
    elif body.removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"["):
        source = own.read(json_document(body))
        name_applies = False
    else:
        source, name_applies = csv_source(body, file or "upload.csv", list_name, zone, now)
    if list_name is not None and not name_applies:
        detail = "list= is for one Todoist project's CSV only: the file names its lists"
        source.problems.insert(0, Problem(Where(path=("list",)), detail))
    if len(source.tasks) > MAX_TASKS:
        msg = f"The file holds {len(source.tasks)} tasks: at most {MAX_TASKS:,} are imported at once"
        raise Invalid.at(("body",), msg, "too_many_tasks")
    return source


def zip_source(body: bytes, limit: int, zone: str, now: dt.datetime) -> Source:
    """A Todoist backup: each CSV entry a project (its list named after the file)."""
    entries, left_out = archives.csv_entries(body, limit)
    source = Source(todoist.FORMAT, problems=left_out)
    for entry in entries:
        text = text_of(entry.data, entry.name)
        if not todoist.is_todoist_header(first_row(text, entry.name)):
            source.problems.append(Problem(Where(entry.name), "Not a Todoist project's CSV: left out"))
            continue
        name = todoist.list_name_of(entry.name)
        todoist.read(text, entry.name, name, name.lower() == "inbox", source, zone, now)
    if not source.lists:
        raise UnsupportedFormat(f"The archive holds no Todoist project's CSV: the body must be {KNOWN}")
    return source


def csv_source(
    body: bytes, file: str, list_name: str | None, zone: str, now: dt.datetime
) -> tuple[Source, bool]:
    """One Todoist project (into `list_name`), or a TickTick backup; and whether `list_name`
    applied."""
    text = text_of(body, file)
    reader = rows(text, file)
    for _, cells in reader:
        if todoist.is_todoist_header(cells):
            source = Source(todoist.FORMAT)
            todoist.read(text, file, list_name or "Inbox", list_name is None, source, zone, now)
            return source, True
        if ticktick.is_ticktick_header(cells):
            source = Source(ticktick.FORMAT)
            ticktick.read(cells, reader, file, source, zone)
            return source, False
        if not ticktick.is_preamble(cells):
            break
    raise UnsupportedFormat(f"Unknown format: the body must be {KNOWN}")


def first_row(text: str, file: str) -> list[str]:
    return next((cells for _, cells in rows(text, file) if not is_blank(cells)), [])


def json_document(body: bytes) -> dict[str, Any]:
    """The export's JSON object; `UnsupportedFormat` for JSON that is not one."""
    try:
        document = json.loads(body.decode("utf-8-sig"), parse_constant=refuse_constant)
    except UnicodeDecodeError:
        raise Unreadable("Request body is not valid UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise Unreadable(f"Malformed JSON: {exc}") from None
    found = document.get("format") if isinstance(document, dict) else None
    if not isinstance(document, dict) or found != own.FORMAT:
        said = f"its format is {found!r}" if isinstance(found, str) else 'it has no "format"'
        raise UnsupportedFormat(f"Unknown format ({said}): the body must be {KNOWN}")
    export: dict[str, Any] = document
    return export


def refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
