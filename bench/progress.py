"""Progress lines: on stderr, so that stdout holds the report alone."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
