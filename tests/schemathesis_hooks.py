"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.schemathesis_hooks).

- `format: password` is 8 to 72 bytes as UTF-8, which JSON Schema cannot say: this is how to
  make a valid one.
- `{user_id}` is the token's subject (SCHEMATHESIS_USER_ID), so the Phase II route shape is
  exercised beyond its 403 (which tests/test_api.py covers).
- A batch's temp_ids are unique: each names one create (a duplicate makes the batch a 422).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format(
    "password",
    st.text(min_size=2, max_size=72).filter(lambda text: 8 <= len(text.encode("utf-8")) <= 72),
)


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> dict[str, Any] | None:
    if path_parameters and "user_id" in path_parameters:
        path_parameters["user_id"] = os.environ["SCHEMATHESIS_USER_ID"]
    return path_parameters


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    if context.operation.path.endswith("/batch") and isinstance(body, dict):
        creates = [
            op for op in body.get("operations") or [] if isinstance(op, dict) and op.get("op") == "create"
        ]
        for number, operation in enumerate(creates):
            if isinstance(operation.get("temp_id"), str):
                operation["temp_id"] = f"{operation['temp_id'][:50]}~{number}"
    return body
