"""Log lines as text (uvicorn's style) or, with LOG_FORMAT=json, one JSON object a line.

In JSON every line has `time, level, logger, message`, and the `request_id` of the request
being handled when it was logged; the access line (`todo_api.access`, one a request) adds
`method, route, status, duration_ms, user_id`. The app writes that line itself, and uvicorn's
own access log is switched off, so each request is logged once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from runtime.request_context import current_request

ACCESS_FIELDS = ("method", "route", "status", "duration_ms", "user_id")
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

access_logger = logging.getLogger("todo_api.access")


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (info := current_request.get()) is not None:
            entry["request_id"] = info.id
        for field in ACCESS_FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, log_format: str) -> None:
    """The app's loggers at `level`; in JSON, every handler uvicorn or the root logger has (and
    one on the root when there is none) writes JSON."""
    logging.basicConfig(format="%(levelname)s:     %(name)s: %(message)s")
    logging.getLogger("todo_api").setLevel(level.upper())
    if log_format != "json":
        return
    formatter = JSONFormatter()
    for name in ("", *UVICORN_LOGGERS):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(formatter)
    logging.getLogger("uvicorn.access").disabled = True  # replaced by `todo_api.access`
