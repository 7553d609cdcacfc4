"""Position keys: strings whose byte order is the order of siblings (the tasks under one parent
in one list, or a user's lists), so that moving an item writes that item only.

The keys are fractional indexes (`fractional_indexing`, as Figma's and rocicorp's): an integer
part that grows in length only every 62**n places ("a0", "a1", ... "az", "b00"), so adding at
either end keeps keys short, and a fraction after it for the places in between. Each placement
into the same gap adds about one character for six placements; a gap used up (a key past the
column's 255 characters, after about 1,400 placements into one gap) is the one case that writes
more than the moved item: its siblings are numbered afresh (`fresh_keys`).
"""

from __future__ import annotations

import fractional_indexing

MAX_LENGTH = 255  # the columns' size


class GapUsedUp(Exception):
    """No key short enough lies between these two: number the siblings afresh."""


def between(before: str | None, after: str | None) -> str:
    """A key greater than `before` and less than `after` (None: no bound on that side)."""
    key = str(fractional_indexing.generate_key_between(before, after))
    if len(key) > MAX_LENGTH:
        raise GapUsedUp
    return key


def fresh_keys(count: int) -> list[str]:
    """`count` short keys in order: a new numbering of a set of siblings."""
    return [str(key) for key in fractional_indexing.generate_n_keys_between(None, None, count)]
