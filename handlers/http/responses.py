"""JSON responses in the contract's media type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from starlette.responses import FileResponse, Response
from starlette.responses import JSONResponse as StarletteJSONResponse


class JSONResponse(StarletteJSONResponse):
    """Starlette's, written by orjson: the same bytes as `json.dumps(content, ensure_ascii=False,
    separators=(",", ":"))` for the service's answers (strings, 64-bit integers, booleans, null)."""

    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class PreparedResponse(Response):
    """A response sent again as it was first rendered (a cached page), its header lines as they
    were encoded then. Starlette's `__init__` is left out: it is the encoding this saves."""

    def __init__(self, body: bytes, raw_headers: list[tuple[bytes, bytes]], status: int = 200) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        self.raw_headers = list(raw_headers)


def json_response(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(content, status_code=status, headers=headers)


def no_content() -> Response:
    return Response(status_code=204)


def error_body(status_code: str, detail: Any) -> dict[str, Any]:
    return {"detail": detail, "code": status_code}


# HTML may be framed by the Hugging Face Space page (huggingface.co/spaces/...) only, not by
# any other Space (each is a *.hf.space origin of its own); scripts and styles come from us.
HTML_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'self' https://huggingface.co"
    ),
    "Cache-Control": "no-cache",
}


def html_page(path: Path) -> Response:
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=HTML_SECURITY_HEADERS)
