"""A background job's waits are spread (background/jobs.py `spread`) without touching the `random`
module's generator, whose state the tests' Hypothesis watches while it draws."""

from __future__ import annotations

import random

from background.jobs import spread


def test_waits_spread_within_their_bounds_and_leave_the_global_generator_alone() -> None:
    state = random.getstate()
    waits = [spread(10.0, 0.2) for _ in range(1000)]
    assert random.getstate() == state
    assert all(8.0 <= wait <= 12.0 for wait in waits)
    assert max(waits) - min(waits) > 2.0  # spread indeed, not one value
