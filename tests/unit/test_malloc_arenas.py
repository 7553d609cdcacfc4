"""A worker's threads share two of glibc's malloc arenas (runtime/malloc_arenas.py), unless
MALLOC_ARENA_MAX says otherwise. Each case is a fresh interpreter, as uvicorn starts one; glibc
lists its arenas with `malloc_info`."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from tests.support.fresh import fresh_python

# Eight threads each allocate (from malloc: larger than pymalloc's 512 bytes) and wait for the
# others, so that none hands its arena on to the next; then glibc's own list of its arenas.
SCRIPT = """
import ctypes, json, threading
import router
kept, barrier = [], threading.Barrier(8)
def allocate():
    kept.append(bytearray(50_000))
    barrier.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
stream = libc.fopen(b"{report}", b"w")
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(json.dumps(open("{report}").read().count("<heap nr=")))
"""

glibc = pytest.mark.skipif(
    not hasattr(ctypes.CDLL(None), "malloc_info"), reason="malloc_info is glibc's: another C library here"
)


def arenas(tmp_path: Path, **env: str) -> int:
    return int(fresh_python(tmp_path, SCRIPT.replace("{report}", str(tmp_path / "malloc.xml")), **env))


@glibc
def test_a_workers_threads_share_two_arenas(tmp_path: Path) -> None:
    assert arenas(tmp_path) <= 2


@glibc
def test_malloc_arena_max_in_the_environment_wins(tmp_path: Path) -> None:
    assert arenas(tmp_path, MALLOC_ARENA_MAX="8") > 2  # one per thread, as glibc gives them
