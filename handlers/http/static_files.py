"""The page's own files (static/), which a browser keeps but asks about again before each use."""

from __future__ import annotations

import os

from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope


class RevalidatedStaticFiles(StaticFiles):
    """StaticFiles whose answers say `Cache-Control: no-cache`: a browser keeps each file and asks
    again (If-None-Match) before it uses it, which costs a 304 without a body while it is unchanged.

    Without the header a browser may reuse a file unasked for a while (heuristically, a tenth of
    the time since it last changed), also after an upgrade. The page's script is ES modules that
    import each other by relative paths: one module kept from before beside newer ones can stop
    the whole page (an import of a name that the old one does not export fails every module).
    """

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response
