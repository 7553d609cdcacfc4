"""A worker's long-lived objects are frozen out of the garbage collector's passes
(runtime/long_lived.py): once the app has started and once a door is imported, and not again
at an app's start when no module was imported since. Each case is a fresh interpreter, as
uvicorn starts one."""

from __future__ import annotations

from pathlib import Path

from tests.support.fresh import fresh_python

# After each step: how many times gc.freeze ran, and how many objects it holds frozen.
SCRIPT = """
import gc, json, sys, anyio
freezes = []
freeze = gc.freeze
gc.freeze = lambda: freezes.append(len(sys.modules)) or freeze()
from starlette.testclient import TestClient
import router
from runtime.imports import import_door
steps = []
for _ in range(3):
    with TestClient(router.app):
        steps.append((len(freezes), gc.get_freeze_count()))
anyio.run(import_door, "mcp_tools.registry")
steps.append((len(freezes), gc.get_freeze_count()))
print(json.dumps(steps))
"""


def test_start_up_and_a_doors_import_freeze_what_they_made(tmp_path: Path) -> None:
    first, second, third, door = fresh_python(tmp_path, SCRIPT)
    assert first[0] == 1 and first[1] > 30_000  # the modules' classes and functions, the app
    assert third[0] == second[0]  # nothing imported since the last start: nothing frozen
    assert door[0] == third[0] + 1 and door[1] > third[1] + 30_000  # the mcp SDK's
