"""Property-based: whatever a client sends to create or patch a task, the answer is a 2xx with a
stored task equal to the normalised input, or a 4xx with nothing stored."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from router import create_app
from settings import Settings
from tests.support.accounts import auth, signup

MISSING = object()
FIELDS = ("title", "description", "completed", "priority", "due_date", "tags", "order")

text = st.text(max_size=40) | st.text(alphabet=" \t\nAbc\u00e9\u0130\x00\x07\u00a0", max_size=8)
datetimes = st.datetimes(
    min_value=dt.datetime(1000, 1, 1),
    max_value=dt.datetime(9999, 1, 1),
    timezones=st.none() | st.just(dt.UTC),
)
numbers = st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
json_values = st.none() | st.booleans() | numbers | text
field_values = {
    "title": text | json_values,
    "description": text | st.text(max_size=1005) | json_values,
    "completed": st.booleans() | json_values,
    "priority": st.sampled_from(["low", "medium", "high", "LOW", "urgent"]) | json_values,
    "due_date": datetimes.map(lambda d: d.isoformat()) | st.just("2026-02-30T00:00:00Z") | json_values,
    "tags": st.lists(text, max_size=12) | json_values,
    "order": st.integers(-(2**64), 2**64) | json_values,
}
bodies = st.fixed_dictionaries({}, optional={name: field_values[name] for name in FIELDS})


def has_control(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def expected_field(name: str, value: Any) -> Any:
    """The stored value the contract promises for `value`, or raise ValueError: it is refused."""
    if name == "title":
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= 200 or has_control(value.strip()):
            raise ValueError
        return value.strip()
    if name == "description":
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > 1000 or has_control(value, "\n\r\t"):
            raise ValueError
        return value
    if name == "completed":
        if not isinstance(value, bool):
            raise ValueError
        return value
    if name == "priority":
        if value not in ("low", "medium", "high"):
            raise ValueError
        return value
    if name == "due_date":
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError
        parsed = dt.datetime.fromisoformat(value)  # raises ValueError too
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        return parsed.isoformat() + "Z"
    if name == "tags":
        if not isinstance(value, list) or len(value) > 10:
            raise ValueError
        cleaned = []
        for tag in value:
            if not isinstance(tag, str) or not 1 <= len(tag.strip()) <= 30 or has_control(tag.strip()):
                raise ValueError
            cleaned.append(tag.strip().lower())
        return list(dict.fromkeys(cleaned))
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**63 - 1:
        raise ValueError
    return value


def expected_task(body: dict[str, Any], base: dict[str, Any]) -> dict[str, Any] | None:
    """`base` with the body's fields applied as the contract says; None when it must be refused."""
    result = dict(base)
    try:
        for name in FIELDS:
            if name in body:
                result[name] = expected_field(name, body[name])
    except ValueError:
        return None
    return result


DEFAULTS = {
    "description": None,
    "completed": False,
    "priority": "medium",
    "due_date": None,
    "tags": [],
    "order": None,
}


@pytest.fixture
def session(make_settings: Any) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings_: Settings = make_settings()
    with TestClient(create_app(settings_)) as client:
        yield client, auth(signup(client)["access_token"])


def comparable(task: dict[str, Any]) -> dict[str, Any]:
    return {name: task[name] for name in FIELDS}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_create_stores_the_normalised_input_or_nothing(
    session: tuple[TestClient, dict[str, str]], body: dict[str, Any]
) -> None:
    client, headers = session
    before = client.get("/api/tasks?limit=1", headers=headers).headers["x-total-count"]
    response = client.post("/api/tasks", json=body, headers=headers)
    expected = None if "title" not in body else expected_task(body, {"title": None, **DEFAULTS})
    if expected is None:
        assert 400 <= response.status_code < 500, (body, response.text)
        assert client.get("/api/tasks?limit=1", headers=headers).headers["x-total-count"] == before
        return
    assert response.status_code == 201, (body, response.text)
    stored = client.get(f"/api/tasks/{response.json()['id']}", headers=headers).json()
    assert comparable(stored) == expected == comparable(response.json())
    assert (stored["completed_at"] is not None) == stored["completed"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_patch_changes_exactly_the_normalised_fields_or_nothing(
    session: tuple[TestClient, dict[str, str]], body: dict[str, Any]
) -> None:
    client, headers = session
    created = client.post(
        "/api/tasks", json={"title": "base", "tags": ["x"], "order": 1}, headers=headers
    ).json()
    response = client.patch(f"/api/tasks/{created['id']}", json=body, headers=headers)
    stored = client.get(f"/api/tasks/{created['id']}", headers=headers).json()
    expected = expected_task(body, comparable(created))
    if expected is None:
        assert 400 <= response.status_code < 500, (body, response.text)
        assert stored == created
        return
    assert response.status_code == 200, (body, response.text)
    assert comparable(stored) == expected
