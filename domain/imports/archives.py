"""The CSV files of a ZIP archive (a Todoist backup), read without trusting the archive.

Nothing is written to disk: entries are read into memory, so a name can never reach a path,
but a name that would escape a folder (absolute, `..`, a drive, a backslash) or a link still
marks an archive made to trick, and is refused. So is an archive that would expand past what an
import may hold: more than MAX_ENTRIES entries, entries that together expand past EXPANSION
times the import's limit (their sizes as the archive declares them, which zipfile then holds
each entry to: one that inflates past its declared size fails its CRC check), or an entry that
expands more than MAX_RATIO times (a zip bomb's mark; small entries may compress however well).
Entries other than CSV files are left out, each named in the problems.

Todoist writes its project names in UTF-8 without the ZIP flag that says so: such a name, which
zipfile reads as code page 437, is read again as UTF-8 when its bytes are UTF-8.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from domain.errors import Invalid
from domain.imports.records import Problem, Where

MAX_ENTRIES = 1000
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # entries up to this size may have any ratio
EXPANSION = 4
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class Entry:
    name: str  # its path in the archive
    data: bytes


def is_zip(body: bytes) -> bool:
    return body[:4] in ZIP_MAGIC


def csv_entries(body: bytes, limit: int) -> tuple[list[Entry], list[Problem]]:
    """The archive's CSV entries in their order, and the entries left out; `Invalid` for an
    archive that cannot be read or is refused (its `loc` names the entry)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise refused(None, f"is not a ZIP archive that can be read ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise refused(None, f"has {len(infos)} entries: at most {MAX_ENTRIES} are read")
    entries, left_out, total = [], [], 0
    for info in infos:
        name = entry_name(info)
        check_name(name)
        if is_link(info):
            raise refused(name, "is a link: an archive to import holds files only")
        if info.is_dir():
            continue
        if not name.lower().endswith(".csv") or is_resource_fork(name):
            left_out.append(Problem(Where(name), "not a CSV file: left out"))
            continue
        if info.flag_bits & ENCRYPTED_FLAG:
            raise refused(name, "is encrypted")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refused(name, f"expands more than {MAX_RATIO} times: refused as a zip bomb")
        total += info.file_size
        if total > EXPANSION * limit:
            raise refused(name, f"the archive expands past {EXPANSION * limit} bytes: refused")
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
            raise refused(name, f"cannot be read ({exc})") from None
        entries.append(Entry(name, data))
    return entries, left_out


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its writer meant it (see the module's note on Todoist's names)."""
    name = info.filename
    if info.flag_bits & UTF8_FLAG or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def check_name(name: str) -> None:
    """Refuse a name that would leave the folder it is unpacked in, on any system."""
    parts = PurePosixPath(name).parts
    tricky = (
        name.startswith("/")
        or "\\" in name
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
        or any(ord(ch) < 32 for ch in name)
    )
    if tricky:
        raise refused(name, "has a path that leaves the archive's folder: refused")


def is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def is_resource_fork(name: str) -> bool:
    """What macOS's Archive Utility adds beside each file (`__MACOSX/`, `._name`)."""
    return name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith("._")


def refused(name: str | None, msg: str) -> Invalid:
    if name is None:
        return Invalid.at(("body",), f"The archive {msg}", "archive_refused")
    return Invalid.at(("body", name), f"{name} {msg}", "archive_refused")
