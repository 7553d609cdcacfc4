"""/openapi.json: a valid OpenAPI 3.1 document made from the handlers' metadata, whose schemas
say what the validators check (tests/e2e/test_schemathesis.py runs schemathesis against it)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from domain import fields
from router import HANDLER_MODULES
from tests.support.accounts import PASSWORD, auth, signup


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_registered_route_is_documented(document: dict[str, Any]) -> None:
    for module in HANDLER_MODULES:
        for path in module.ENDPOINT.paths:
            assert module.ENDPOINT.method.lower() in document["paths"][path], path


def test_the_password_flow_logs_in_as_swagger_ui_asks(client: TestClient, document: dict[str, Any]) -> None:
    """What Authorize in /docs sends to the tokenUrl (RFC 6749 4.3: a form with grant_type,
    username and password, and an empty scope), and what it reads back."""
    signup(client, "ann@example.com")
    token_url = document["components"]["securitySchemes"]["passwordLogin"]["flows"]["password"]["tokenUrl"]
    form = {"grant_type": "password", "username": "ann@example.com", "password": PASSWORD, "scope": ""}
    answer = client.post(token_url, data=form, headers={"Authorization": "Basic Og=="})
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "bearer"
    assert client.get("/api/tasks", headers=auth(answer.json()["access_token"])).status_code == 200


def test_bearer_scheme_and_error_schemas(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert document["components"]["securitySchemes"]["passwordLogin"]["flows"] == {
        "password": {"tokenUrl": "/api/auth/login", "scopes": {}}
    }
    create = document["paths"]["/api/tasks"]["post"]
    assert create["security"] == [{"bearerAuth": []}, {"passwordLogin": []}]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TaskCreate"
    }
    assert set(create["responses"]) >= {"201", "400", "401", "403", "413", "415", "422"}
    assert create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ValidationErrorOut"
    )
    assert create["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert "Location" in create["responses"]["201"]["headers"]
    login = document["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]
    assert set(login) == {"application/json", "application/x-www-form-urlencoded"}


def test_the_write_safety_headers_are_documented(document: dict[str, Any]) -> None:
    def headers(path: str, method: str) -> set[str]:
        parameters = document["paths"][path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    task = "/api/tasks/{task_id}"
    assert headers(task, "get") == {"If-None-Match"}
    assert headers(task, "put") == {"If-Match"} and headers(task, "delete") == {"If-Match"}
    assert headers(task, "patch") == headers(f"{task}/complete", "patch") == {"If-Match", "Idempotency-Key"}
    assert headers("/api/tasks", "post") == headers("/api/batch", "post") == {"Idempotency-Key"}
    assert headers("/api/auth/login", "post") == set()  # not authenticated: no key
    for path, method, status in ((task, "get", "304"), ("/api/tasks", "get", "304"), (task, "patch", "412")):
        assert status in document["paths"][path][method]["responses"], (path, method, status)
    assert {"409", "422"} <= set(document["paths"]["/api/tasks"]["post"]["responses"])
    assert "ETag" in document["paths"][task]["get"]["responses"]["200"]["headers"]
    assert "410" in document["paths"]["/api/changes"]["get"]["responses"]
    assert document["components"]["schemas"]["TaskOut"]["properties"]["version"]["type"] == "integer"


def test_query_parameters_carry_their_limits(document: dict[str, Any]) -> None:
    listed = document["paths"]["/api/tasks"]["get"]["parameters"]
    parameters = {p["name"]: p for p in listed if p["in"] == "query"}
    assert [p["name"] for p in listed if p["in"] == "header"] == ["If-None-Match"]
    assert parameters["limit"]["schema"] == {
        "default": 100,
        "maximum": 1000,
        "minimum": 1,
        "title": "Limit",
        "type": "integer",
    }
    assert parameters["offset"]["schema"]["minimum"] == 0
    assert "-priority" in parameters["sort"]["schema"]["enum"]
    assert set(parameters) == {
        "completed",
        "status",
        "q",
        "priority",
        "tag",
        "due_before",
        "due_after",
        "sort",
        "limit",
        "offset",
        "list_id",
        "parent_id",
    }
    user_path = document["paths"]["/api/{user_id}/tasks/{task_id}"]["get"]["parameters"]
    assert [p["name"] for p in user_path if p["in"] == "path"] == ["user_id", "task_id"]


def accepts(check: Any, value: str) -> bool:
    try:
        check(value)
    except ValueError:
        return False
    return True


TEXT = st.text(st.characters(codec="utf-8"), max_size=240) | st.text(
    alphabet=" \t\n\x0b\x1e\x1f\x85\xa0\ufeffab", max_size=12
)


def test_trimmed_white_space_is_what_the_patterns_call_white_space() -> None:
    """JSON Schema's `\\s` (ECMA-262), not Python's, which also takes \\x1c-\\x1f and \\x85."""
    in_class = {chr(code) for code in range(0x10000) if re.fullmatch(f"[{fields.WS}]", chr(code))}
    assert in_class == set(fields.WHITESPACE)
    assert not in_class & {"\x1c", "\x1d", "\x1e", "\x1f", "\x85"}
    assert in_class >= {" ", "\t", "\n", "\r", "\xa0", "\u3000", "\ufeff"}


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_title_and_tag_patterns_agree_with_the_validators(text: str) -> None:
    assert accepts(fields.clean_title, text) == bool(re.fullmatch(fields.TITLE_PATTERN, text))
    assert accepts(fields.clean_tag, text) == bool(re.fullmatch(fields.TAG_PATTERN, text))


@settings(max_examples=300, deadline=None)
@given(TEXT | st.emails() | st.emails().map(lambda e: f"  {e.upper()}\t"))
def test_email_pattern_agrees_with_the_validator(text: str) -> None:
    expected = bool(re.fullmatch(fields.EMAIL_PATTERN, text)) and len(text) <= 254
    assert accepts(fields.clean_email, text) == expected


@settings(max_examples=300, deadline=None)
@given(TEXT | st.text(max_size=1100))
def test_description_and_search_patterns_agree_with_the_validators(text: str) -> None:
    described = bool(re.fullmatch(fields.DESCRIPTION_PATTERN, text)) and len(text) <= 1000
    assert accepts(fields.clean_description, text) == described
    assert accepts(fields.no_control_characters, text) == bool(re.fullmatch(fields.NO_CONTROL_PATTERN, text))
