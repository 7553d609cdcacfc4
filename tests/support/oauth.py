"""OAuth as clients do it, for the tests: PKCE pairs, the consent page's form read as a client
without JavaScript reads it, and the steps of the authorization code flow through a TestClient
(the app in-process; a live server is driven by the official client in tests/test_oauth_flow.py)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from tests.support.accounts import PASSWORD

BASE = "http://testserver"  # what the in-process app is reached as (the `client` fixture)
REDIRECT = "http://127.0.0.1:4711/callback"
READ, WRITE = "tasks:read", "tasks:write"


@dataclass(frozen=True)
class PKCE:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> PKCE:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).decode().rstrip("="))


@dataclass
class ConsentForm:
    """The page's `<form id="consent">`: its action and method, its hidden inputs, the names of
    its other inputs, and the values of its submit buttons named `decision`."""

    action: str = ""
    method: str = ""
    hidden: dict[str, list[str]] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # name -> type, for the visible ones
    decisions: list[str] = field(default_factory=list)
    forms: int = 0  # how many forms the page has

    def filled(self, decision: str, **fields: str) -> dict[str, list[str]]:
        """What a browser posts: the hidden inputs, `fields`, and the button pressed."""
        return {**self.hidden, **{name: [value] for name, value in fields.items()}, "decision": [decision]}


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form = ConsentForm()
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.form.forms += 1
            if found.get("id") == "consent":
                self.inside = True
                self.form.action, self.form.method = found.get("action", ""), found.get("method", "")
        elif self.inside and tag == "input" and "name" in found:
            if found.get("type") == "hidden":
                self.form.hidden.setdefault(found["name"], []).append(found.get("value", ""))
            else:
                self.form.inputs[found["name"]] = found.get("type", "text")
        elif self.inside and tag == "button" and found.get("name") == "decision":
            self.form.decisions.append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def consent_form(page: str) -> ConsentForm:
    reader = FormReader()
    reader.feed(page)
    return reader.form


def answer_of(location: str) -> dict[str, str]:
    """The parameters a redirect to the client carries (each once)."""
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def register(client: TestClient, redirect_uris: list[str] | None = None, **metadata: Any) -> dict[str, Any]:
    body = {"redirect_uris": redirect_uris or [REDIRECT], "client_name": "Test agent", **metadata}
    answer = client.post("/register", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def authorization_query(client_id: str, pkce: PKCE, /, **overrides: str | None) -> dict[str, str]:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "state": "state-" + secrets.token_hex(4),
        "resource": f"{BASE}/mcp",
    }
    query.update(overrides)  # type: ignore[arg-type]
    return {name: value for name, value in query.items() if value is not None}


def open_consent(client: TestClient, query: dict[str, str]) -> ConsentForm:
    page = client.get("/authorize", params=query, follow_redirects=False)
    assert page.status_code == 200, page.text
    return consent_form(page.text)


def approve(
    client: TestClient, query: dict[str, str], email: str = "ann@example.com", password: str = PASSWORD
) -> dict[str, str]:
    """The consent page opened and approved with the email and password: the redirect's answer."""
    form = open_consent(client, query)
    filled = form.filled("approve", email=email, password=password)
    answer = client.post(form.action, data=filled, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer_of(answer.headers["location"])


def redeem(client: TestClient, client_id: str, code: str, pkce: PKCE, **overrides: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": client_id,
        "code_verifier": pkce.verifier,
        **overrides,
    }
    return client.post("/token", data=data)


def connect(client: TestClient, email: str = "ann@example.com", scope: str | None = None) -> dict[str, Any]:
    """A client registered, approved by `email` and its code redeemed: the token answer, with
    the client's id as `client_id`."""
    client_id = register(client)["client_id"]
    pkce = PKCE.new()
    code = approve(client, authorization_query(client_id, pkce, scope=scope), email)["code"]
    answer = redeem(client, client_id, code, pkce)
    assert answer.status_code == 200, answer.text
    return {**answer.json(), "client_id": client_id}
