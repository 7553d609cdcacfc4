"""CSV files as rows with the line each begins on (a quoted cell may span lines), read by the
standard library's `csv` module."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from domain.errors import Invalid
from domain.imports.records import Where

Row = tuple[int, list[str]]  # the 1-based line the row begins on, and its cells


def text_of(data: bytes, file: str) -> str:
    """The file as text: UTF-8, with or without the byte-order mark spreadsheet programs write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Invalid.at(tuple(Where(file, line).loc()), "Not UTF-8 text", "csv_encoding") from None


def rows(text: str, file: str) -> Iterator[Row]:
    """Each row and the line it begins on; `Invalid` naming the line of a malformed one."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Invalid.at(tuple(Where(file, line).loc()), f"Not valid CSV: {exc}", "csv_syntax") from None
        yield line, cells
        line = reader.line_num + 1


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def header_index(cells: list[str]) -> dict[str, int]:
    """Where each column is, by its name as the header says it (trimmed)."""
    index: dict[str, int] = {}
    for position, name in enumerate(cells):
        index.setdefault(name.strip(), position)
    return index


def cell(cells: list[str], index: dict[str, int], name: str) -> str:
    """The row's value in column `name`, trimmed ("" when the column or the cell is missing)."""
    position = index.get(name)
    return cells[position].strip() if position is not None and position < len(cells) else ""
