"""Fewer of glibc's malloc arenas in a worker.

glibc gives each new thread that allocates an arena of its own, up to 8 per core, and an arena
keeps the memory freed in it for its own thread. A worker's threads (the database's, the
writer's, the checkpoints', bcrypt's, anyio's) would each hold one. Two arenas, the value the
usual advice for Python and Ruby services gives, kept a worker's peak resident set 2.4-3.5 MB
lower over the bench's cases (bench/README.md "Where the memory goes"), at no cost in speed
that the bench could see.

`MALLOC_ARENA_MAX` in the environment, when set, is glibc's to apply, and wins. On a C library
other than glibc nothing changes.
"""

from __future__ import annotations

import ctypes
import os

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas() -> bool:
    """True when glibc took the limit. Call it before the worker starts its threads: a thread
    that has its arena already keeps it."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_ARENA_MAX, ARENAS))
