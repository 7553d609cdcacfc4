"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.schemathesis_hooks): what JSON Schema cannot say.

- `format: password` is 8 to 72 bytes as UTF-8, which JSON Schema cannot say: this is how to
  make a valid one.
- `{user_id}` is the token's subject (SCHEMATHESIS_USER_ID), so the Phase II route shape is
  exercised beyond its 403 (which tests/api/test_api.py covers).
- `map_case` runs in every phase (the coverage phase applies no other hook; schemathesis checks
  a changed case against the schema again):
  - a batch's temp_ids are unique: each names one create (a duplicate makes the batch a 422);
  - an Idempotency-Key is a client's own for one request (the same key with another request is
    a 422 by design, tests/api/test_sync.py): each generated one is made unique;
  - the change feed's `since` is a cursor the service signed, which no generated string is: the
    feed is asked without one (tests/api/test_sync.py covers cursors);
  - a list or task a body or query names (`list_id`, `parent_id`, `after`, `move_to`) must be
    the caller's, which no generated id is (a 422 on that field by design): well-formed ones are
    left out (tests/api/test_lists.py covers them); malformed ones stay, to be refused;
  - a webhook's URL must resolve, which no generated host does: a well-formed one becomes one
    on this machine (the server allows private addresses; tests/jobs/test_webhooks.py covers the
    address rules);
  - a task's recurrence must be an RRULE the service runs, its time_zone an IANA name and a
    `before` reminder at most 30 days: well-formed ones become valid ones. A rule and a
    `before` reminder need a due date: a body with one gets one, and a body that clears the
    due date clears the task's rule and reminders too (tests/api/test_recurrence.py covers these
    refusals).
"""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

import schemathesis
from hypothesis import strategies as st

from domain.fields import WS
from domain.reminder_specs import DURATION_PATTERN

schemathesis.openapi.format(
    "password",
    st.text(min_size=2, max_size=72).filter(lambda text: 8 <= len(text.encode("utf-8")) <= 72),
)

UNIQUE = itertools.count()
# The schema's pattern, `\S` spelled as JSON Schema means it (Python's also refuses \x1c-\x1f).
WEBHOOK_URL = re.compile(rf"^https?://[^{WS}]+\Z")
RULE = re.compile(r"^(?:[Rr][Rr][Uu][Ll][Ee]:)?[A-Za-z0-9=;,+-]+$")  # the schemas' patterns
DUE_DATE = "2030-01-01T09:00:00Z"  # what a rule or a `before` reminder counts from
ZONE = re.compile(r"^[A-Za-z0-9_+/-]+$")
DURATION = re.compile(DURATION_PATTERN)
REFERENCES = ("list_id", "parent_id", "after", "move_to")  # a list or task of the caller's


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    if path_parameters and "user_id" in path_parameters:
        path_parameters["user_id"] = os.environ["SCHEMATHESIS_USER_ID"]
    return path_parameters


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    path = case.operation.path
    body = case.body if isinstance(case.body, dict) else {}
    operations = body.get("operations") if path.endswith("/batch") else None
    for number, operation in enumerate(operations if isinstance(operations, list) else []):
        temp_id = operation.get("temp_id") if isinstance(operation, dict) else None
        if isinstance(temp_id, str) and 1 <= len(temp_id) <= 64:  # a valid one stays valid
            operation["temp_id"] = f"{temp_id[:50]}~{number}"
    key = case.headers.get("Idempotency-Key") if case.headers else None
    if isinstance(key, str) and 1 <= len(key) <= 200:
        case.headers["Idempotency-Key"] = f"{key}~{next(UNIQUE)}"
    if path.endswith("/changes") and isinstance(case.query, dict):
        case.query.pop("since", None)
    if case.method.upper() in ("POST", "PUT", "PATCH"):
        ops = operations if isinstance(operations, list) else []
        for fields in [body, *(op.get("task") for op in ops if isinstance(op, dict))]:
            if isinstance(fields, dict):
                consistent_task(fields)
    if path == "/api/webhooks" and isinstance(body.get("url"), str) and WEBHOOK_URL.match(body["url"]):
        body["url"] = f"http://127.0.0.1:9/hook/{next(UNIQUE)}"
    for fields in (body, case.query if isinstance(case.query, dict) else {}):
        if case.method.upper() != "GET":
            for name in REFERENCES:
                if is_id(fields.get(name)):  # an invalid one stays: a negative case stays negative
                    del fields[name]
    return case


def is_id(value: object) -> bool:
    """A well-formed id, in a JSON body (an integer) or a query (digits)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():  # JSON Schema's integers include 3.0
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63


def consistent_task(fields: dict[str, Any]) -> None:
    """A task body's recurrence, time zone and reminders made valid where they are well-formed."""
    if well_formed(fields.get("time_zone"), ZONE, 64):
        fields["time_zone"] = "Europe/Paris"
    if well_formed(fields.get("recurrence"), RULE, 506):
        fields["recurrence"] = "FREQ=DAILY"
    reminders = fields.get("reminders")
    items = [each for each in reminders if isinstance(each, dict)] if isinstance(reminders, list) else []
    for reminder in items:
        if well_formed(reminder.get("before"), DURATION, 64):
            reminder["before"] = "PT15M"
    counts_back = any(counting_back(reminder) for reminder in items)
    if fields.get("due_date", "") is None:  # a cleared due date: the stored rule and reminders go too
        if fields.get("recurrence") in (None, "FREQ=DAILY"):  # (a malformed one stays, to be refused)
            fields["recurrence"] = None
        fields.setdefault("reminders", [])
        if counts_back:
            fields["due_date"] = DUE_DATE
    elif isinstance(fields.get("recurrence"), str) or counts_back:
        fields.setdefault("due_date", DUE_DATE)


def counting_back(reminder: object) -> bool:
    """A well-formed `before` reminder (a malformed one stays, to be refused)."""
    return isinstance(reminder, dict) and well_formed(reminder.get("before"), DURATION, 64)


def well_formed(value: object, pattern: re.Pattern[str], max_length: int) -> bool:
    """As the schema says it: matching the pattern, at most `max_length` characters."""
    return isinstance(value, str) and len(value) <= max_length and pattern.match(value) is not None
