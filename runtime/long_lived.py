"""The objects a worker keeps for its whole life, left out of the garbage collector's passes.

A full collection walks every container object alive: a started worker holds about 58,000 of
its own (modules, classes, functions), about 100,000 once the `mcp` SDK is imported. Under load
those walks stopped the event loop a few times a second (`list 20` at c=64: p99 29 ms, against
6 ms with them frozen; bench/README.md "Where the time goes"). `gc.freeze()` moves every object
alive into a generation the collector never walks again; imported modules are never freed
anyway.

It runs once the app has started and once a door has been imported, and freezes only when a
module was imported since it last did: a process that starts many apps (the tests) does not
freeze each app's objects with them.
"""

from __future__ import annotations

import gc
import sys

modules_when_frozen = 0  # len(sys.modules) at the last freeze


def freeze_long_lived() -> None:
    global modules_when_frozen
    if len(sys.modules) == modules_when_frozen:
        return
    gc.collect()  # what is garbage already is freed, not frozen
    gc.freeze()
    modules_when_frozen = len(sys.modules)
