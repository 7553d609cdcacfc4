"""caldav-server-tester (the caldav library's server checker) against a live server: its checks
that concern task calendars, run as its command line runs them, report every task feature as
working; what it reports otherwise is exactly what the service deliberately does not do (each
named below, and in docs/phone.md).

The tester builds its fixtures for a calendar server: it stores a task, then events, then more
tasks. The service keeps tasks only and refuses the first event (403 supported-calendar-
component), so the fixtures after it are never made and the checks that read them say
"unknown" (not probed); none of them may say broken, ungraceful or fragile.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import signup
from tests.support.live import Server, call, serving
from tests.support.tokens import SECRET

pytestmark = pytest.mark.slow

CHECKS = (
    "CheckGetCurrentUserPrincipal",
    "CheckWWWAuthenticate",
    "CheckPropfindAllprop",
    "CheckMakeDeleteCalendar",
    "CheckSupportedComponentSet",
    "CheckTodoUncomplete",
    "CheckPutEtag",
    "CheckNoUidConflict",
    "CheckIfMatchOptional",
    "CheckCalendarProperties",
    "CheckNonExistingResource",
    "CheckTodoNoDtstartSearch",
)
# What the tester reports that the service deliberately does not do, and why.
NOT_DONE = {
    # A list's color is one of nine names: a client's hex color is stored as the nearest one,
    # and the property reads as that color's hex (calendar-color itself is "full").
    "calendar-color.name": "unsupported",
    # Lists are ordered on the page (the REST API's `after`), not by a client's number.
    "calendar-order": "unsupported",
    # Task calendars hold tasks: no journals (nor events).
    "save-load.journal": "unsupported",
    # Its fixture (a task due in January) comes after the refused event: never made.
    "search.time-range.todo.no-dtstart": "unsupported",
}
# The task features it probes, which must work (a feature it leaves out of its report is "full").
TASK_FEATURES = (
    "get-current-user-principal",
    "auth.www-authenticate",
    "auth.www-authenticate.usable-scheme",
    "create-calendar",
    "delete-calendar",
    "calendar-color",
    "save-load.todo",
    "save-load.todo.uncomplete",
)


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Server]:
    """One server on SQLite: the tester's run is long, and the door's rules are the same on
    every database (tests/api/test_caldav_protocol.py runs them on all three)."""
    with serving(Server({"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET})) as live:
        yield live


def test_caldav_server_tester_finds_the_task_features_working(sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    jwt = signup(server)["access_token"]
    password = call("POST", f"{server.base}/api/auth/tokens", {"name": "tester"}, jwt).body["token"]
    command = [
        sys.executable, "-m", "caldav_server_tester.caldav_server_tester",
        "--caldav-url", f"{server.base}/dav/", "--caldav-username", "ann@example.com",
        "--caldav-password", password, "--format", "json",
        *(argument for check in CHECKS for argument in ("--run-checks", check)),
    ]  # fmt: skip
    # From a directory of its own: the tester looks for a `tests/` package beside it.
    ran = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert ran.returncode == 0, ran.stderr
    features = {name: found["support"] for name, found in json.loads(ran.stdout)["features"].items()}
    bad = {
        name: support for name, support in features.items() if support in ("broken", "ungraceful", "fragile")
    }
    assert bad == {}
    assert {name: support for name, support in features.items() if support != "unknown"} == {
        **{name: "full" for name in TASK_FEATURES if name in features},
        **NOT_DONE,
    }
    assert all(features.get(name, "full") == "full" for name in TASK_FEATURES)
    # The CalDAV server it measured is this one: its test calendar came and went.
    assert [each["name"] for each in call("GET", f"{server.base}/api/lists", None, jwt).body] == ["Inbox"]
