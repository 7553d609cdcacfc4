"""The ceiling: a bare Starlette app answering `GET /api/tasks` with a constant body.

The body is the service's own 20-task page, captured by the bench after seeding and named by
`BENCH_CEILING_BODY`, sent as ready-made bytes: no auth, no database, no JSON encoding. Served
by uvicorn with the service's flags (`uvicorn --app-dir bench ceiling:app ...`), it is what
one worker can answer on this machine at best, and each of the service's figures is given as
a ratio to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes()
TOTAL = os.environ.get("BENCH_CEILING_TOTAL", "1000")
MEDIA_TYPE = "application/json; charset=utf-8"


async def list_tasks(_: Request) -> Response:
    return Response(BODY, media_type=MEDIA_TYPE, headers={"X-Total-Count": TOTAL})


async def health(_: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type=MEDIA_TYPE)


app = Starlette(routes=[Route("/api/tasks", list_tasks), Route("/health", health)])
