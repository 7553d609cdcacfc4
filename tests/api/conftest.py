"""The accounts the API tests act as: `ann` and `bob` (their signup answers: token and user),
`ann_auth` and `bob_auth` (the headers that carry their tokens)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support.accounts import auth, signup


@pytest.fixture
def ann(client: TestClient) -> dict[str, Any]:
    return signup(client, "ann@example.com")


@pytest.fixture
def bob(client: TestClient) -> dict[str, Any]:
    return signup(client, "bob@example.com")


@pytest.fixture
def ann_auth(ann: dict[str, Any]) -> dict[str, str]:
    return auth(ann["access_token"])


@pytest.fixture
def bob_auth(bob: dict[str, Any]) -> dict[str, str]:
    return auth(bob["access_token"])
