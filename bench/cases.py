"""What the bench measures: the service's cases, the ceiling's, the login storm's."""

from __future__ import annotations

import json

from bench.seeding import PASSWORD, Seeded
from bench.wrk import Case

SEARCH_QUERY = "status=pending&q=milk&priority=high&sort=-due_date&limit=20"
STORM_LOGIN_CONCURRENCY = 16
STORM_HEALTH_CONCURRENCY = 4
# The ceiling runs right before this case at each concurrency, so that the target's ratio
# compares two runs seconds apart (a shared VM's speed drifts over minutes).
CEILING_BESIDE = "list 20"
CEILING_CASE = Case("ceiling (bare Starlette)", "GET", ("/api/tasks?limit=20",), warmup=True)


def service_cases(seeded: Seeded) -> list[Case]:
    reader, writer = seeded.reader_token, seeded.writer_token
    get_paths = tuple(f"/api/tasks/{task_id}" for task_id in seeded.reader_ids[::10])
    patch_paths = tuple(f"/api/tasks/{task_id}" for task_id in seeded.writer_ids)
    complete_paths = tuple(f"/api/tasks/{task_id}/complete" for task_id in seeded.writer_ids)
    new_task = {"title": "Bench task", "priority": "high", "tags": ["bench", "work"]}
    new_task["due_date"] = "2026-12-01T18:00:00Z"
    login = {"email": seeded.reader_email, "password": PASSWORD}
    return [
        Case("health", "GET", ("/health",)),
        Case("list 20", "GET", ("/api/tasks?limit=20",), reader, warmup=True),
        Case("list 20, not cached", "GET", ("/api/tasks?limit=20",), reader, unique=True),
        Case("list filter+search", "GET", (f"/api/tasks?{SEARCH_QUERY}",), reader, warmup=True),
        Case("get one", "GET", get_paths, reader),
        Case("create", "POST", ("/api/tasks",), writer, json.dumps(new_task)),
        Case("patch", "PATCH", patch_paths, writer, '{"description":"2 litres","priority":"low"}'),
        Case("complete (toggle)", "PATCH", complete_paths, writer),
        Case("login (bcrypt 12)", "POST", ("/api/auth/login",), None, json.dumps(login)),
    ]


def storm_cases(seeded: Seeded) -> list[tuple[Case, int]]:
    """Login at STORM_LOGIN_CONCURRENCY and /health beside it, run at the same time."""
    login = next(case for case in service_cases(seeded) if case.name.startswith("login"))
    return [
        (Case("storm: login", "POST", login.paths, None, login.body), STORM_LOGIN_CONCURRENCY),
        (Case("storm: /health beside it", "GET", ("/health",)), STORM_HEALTH_CONCURRENCY),
    ]
