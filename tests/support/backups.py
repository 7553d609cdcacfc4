"""Files other apps write, made the way they write them, for the import's tests.

Todoist: a project's CSV as its "Export as CSV" and its backups write it (Todoist's help page
"Format a CSV file to import into Todoist" names the columns; the files public converters and
importers test against show the rest): the header, a `meta,view_style=list` row, a blank row
after each task with its notes, `section` rows. Its backup is a ZIP of one such file per
project, named `<project> [<id>].csv`, whose non-ASCII names are UTF-8 without the ZIP flag
that says so (as full-offline-backup-for-todoist works around).

TickTick: its web app's Settings > Backup CSV, with the byte-order mark, the metadata lines
above the header (the Status one quoted over four lines) and the header of its version 7.1
files, every cell quoted but the empty ones it leaves bare.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

TODOIST_HEADER = (
    "TYPE",
    "CONTENT",
    "DESCRIPTION",
    "PRIORITY",
    "INDENT",
    "AUTHOR",
    "RESPONSIBLE",
    "DATE",
    "DATE_LANG",
    "TIMEZONE",
    "DURATION",
    "DURATION_UNIT",
    "DEADLINE",
    "DEADLINE_LANG",
)
TICKTICK_HEADER = (
    "Folder Name",
    "List Name",
    "Title",
    "Kind",
    "Tags",
    "Content",
    "Is Check list",
    "Start Date",
    "Due Date",
    "Reminder",
    "Repeat",
    "Priority",
    "Status",
    "Created Time",
    "Completed Time",
    "Order",
    "Timezone",
    "Is All Day",
    "Is Floating",
    "Column Name",
    "Column Order",
    "View Mode",
    "taskId",
    "parentId",
)
TICKTICK_PREAMBLE = '"Date: 2026-11-25+0000"\n"Version: 7.1"\n"Status: \n0 Normal\n1 Completed\n2 Archived"\n'


def todoist_task(
    content: str,
    *,
    description: str = "",
    priority: int = 4,
    indent: int = 1,
    date: str = "",
    timezone: str = "Europe/Berlin",
    **others: str,
) -> dict[str, str]:
    """A task row as Todoist writes it (AUTHOR filled, DATE_LANG en)."""
    return {
        "TYPE": "task",
        "CONTENT": content,
        "DESCRIPTION": description,
        "PRIORITY": str(priority),
        "INDENT": str(indent),
        "AUTHOR": "Ann (40123456)",
        "DATE": date,
        "DATE_LANG": "en" if date else "",
        "TIMEZONE": timezone,
        **others,
    }


def todoist_note(content: str) -> dict[str, str]:
    return {
        "TYPE": "note",
        "CONTENT": content,
        "AUTHOR": "Ann (40123456)",
        "DATE": "2026-06-08T07:02:05.000000Z",
    }


def todoist_section(name: str) -> dict[str, str]:
    return {"TYPE": "section", "CONTENT": name}


def todoist_csv(*rows: dict[str, str], header: Sequence[str] = TODOIST_HEADER) -> str:
    """A project's CSV: the header, the view's meta row, then the rows, a blank row after each
    task (and its notes), as Todoist lays them out."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(["meta", "view_style=list"] + [""] * (len(header) - 2))
    blank = [""] * len(header)
    for number, row in enumerate(rows):
        writer.writerow([row.get(name, "") for name in header])
        following = rows[number + 1] if number + 1 < len(rows) else None
        if following is None or following["TYPE"] != "note":
            writer.writerow(blank)
    return out.getvalue()


class TodoistName(zipfile.ZipInfo):
    """An entry whose name is UTF-8 without the flag saying so, as Todoist's backups write them."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's own name
        return self.filename.encode("utf-8"), self.flag_bits


def todoist_backup(projects: dict[str, str]) -> bytes:
    """A backup ZIP: each project's CSV as `<name> [<id>].csv`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, text) in enumerate(projects.items()):
            info = TodoistName(f"{name} [{2203306141 + number}].csv", date_time=(2026, 11, 25, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def ticktick_row(title: str, *, task_id: str, list_name: str = "Inbox", **cells: str) -> dict[str, str]:
    """A row as TickTick writes it, with its usual values for what is not given."""
    return {
        "Folder Name": "",
        "List Name": list_name,
        "Title": title,
        "Kind": "TEXT",
        "Tags": "",
        "Content": "",
        "Is Check list": "N",
        "Priority": "0",
        "Status": "0",
        "Created Time": "2026-10-09T15:09:48+0000",
        "Order": "-1099511627776",
        "Timezone": "Europe/Berlin",
        "Is All Day": "false",
        "Is Floating": "false",
        "View Mode": "list",
        "taskId": task_id,
        **cells,
    }


def ticktick_backup(*rows: dict[str, str]) -> bytes:
    """The backup file: BOM, metadata lines, header, rows (empty cells of the kanban columns bare)."""
    lines = [",".join(quoted(name) for name in TICKTICK_HEADER)]
    for row in rows:
        cells = [row.get(name, "") for name in TICKTICK_HEADER]
        lines.append(
            ",".join(
                "" if name.startswith("Column") and not value else quoted(value)
                for name, value in zip(TICKTICK_HEADER, cells, strict=True)
            )
        )
    return ("\ufeff" + TICKTICK_PREAMBLE + "\n".join(lines) + "\n").encode("utf-8")


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'
