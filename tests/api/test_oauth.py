"""OAuth 2.1 for /mcp, through the app on every database, as API.md's "Connecting agents with
OAuth" says it: the metadata and the 401 that leads to it, registration and its redirect URI
rules, client ID metadata documents, every refusal of an authorization request, the consent
page and its form (cross-site posts, the login throttle, a signed-in browser), single-use
codes, the token endpoint, refresh rotation with reuse detection, revocation, connections, and
what a password change or an account's deletion does to them. (The official client against a
live server, and a replica pair: tests/test_oauth_flow.py.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.oauth_grants import purge_grants
from models import AccessToken, OAuthClient, OAuthCode, OAuthConnection, OAuthRefreshToken, database_proxy
from router import create_app
from runtime.client_documents import DocumentRefused, fetch_document
from settings import Settings
from tests.support.accounts import PASSWORD, auth, signup
from tests.support.documents import DocumentServer
from tests.support.oauth import (
    BASE,
    PKCE,
    READ,
    REDIRECT,
    WRITE,
    answer_of,
    approve,
    authorization_query,
    connect,
    consent_form,
    open_consent,
    redeem,
    register,
)

RESOURCE_METADATA = f"{BASE}/.well-known/oauth-protected-resource/mcp"
MCP_CHALLENGE = f'Bearer resource_metadata="{RESOURCE_METADATA}", scope="tasks:read tasks:write"'


@pytest.fixture
def app_with(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """The app on this test's database with more settings (one at a time)."""
    opened: list[TestClient] = []

    def start(**env: str) -> TestClient:
        opened.append(TestClient(create_app(make_settings(**env)), base_url=BASE).__enter__())
        return opened[-1]

    yield start
    for test_client in opened:
        test_client.__exit__(None, None, None)


def count(model: Any) -> int:
    with database_proxy.obj.connection_context():
        return int(model.select().count())


def token_works(client: TestClient, token: str) -> bool:
    answer = client.get("/api/tasks", headers=auth(token))
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def refreshed(client: TestClient, client_id: str, refresh_token: str, **more: str) -> Any:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id, **more}
    return client.post("/token", data=data)


def oauth_error(answer: Any, status: int, error: str) -> str:
    """The description of an RFC 6749 refusal, after checking its status, code and shape."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error, body
    assert answer.headers["cache-control"] == "no-store"
    return str(body["error_description"])


# Discovery -------------------------------------------------------------------------------------


def test_metadata_and_the_401_that_leads_to_it(client: TestClient) -> None:
    for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"):
        resource = client.get(path)
        assert resource.status_code == 200
        assert resource.json() == {
            "resource": f"{BASE}/mcp",
            "authorization_servers": [BASE],
            "scopes_supported": [READ, WRITE],
            "bearer_methods_supported": ["header"],
            "resource_name": "todo-api",
        }
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == BASE  # no trailing slash: compared as a string
    assert {key: server[key] for key in ("authorization_endpoint", "token_endpoint")} == {
        "authorization_endpoint": f"{BASE}/authorize",
        "token_endpoint": f"{BASE}/token",
    }
    assert (server["registration_endpoint"], server["revocation_endpoint"]) == (
        f"{BASE}/register",
        f"{BASE}/revoke",
    )
    assert server["scopes_supported"] == [READ, WRITE]
    assert server["response_types_supported"] == ["code"]
    assert server["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert server["code_challenge_methods_supported"] == ["S256"]
    assert "none" in server["token_endpoint_auth_methods_supported"]
    assert server["client_id_metadata_document_supported"] is True
    assert server["authorization_response_iss_parameter_supported"] is True
    # /mcp without a token, or with a bad one, points the client there.
    for headers in ({}, auth("tdo_not-a-token"), auth("not.a.jwt")):
        refused = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == MCP_CHALLENGE
        assert refused.json()["code"] == "unauthorized"
    # REST's 401 is as it was.
    assert client.get("/api/tasks").headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("env", "base"),
    [
        ({"PUBLIC_URL": "https://todo.example.com/"}, "https://todo.example.com"),
        ({"SPACE_HOST": "ann-todo.hf.space"}, "https://ann-todo.hf.space"),
        (
            {"PUBLIC_URL": "https://todo.example.com", "SPACE_HOST": "ann-todo.hf.space"},
            "https://todo.example.com",
        ),
    ],
)
def test_the_base_is_public_url_then_the_space(
    app_with: Callable[..., TestClient], env: dict[str, str], base: str
) -> None:
    client = app_with(**env)
    assert client.get("/.well-known/oauth-authorization-server").json()["issuer"] == base
    resource = client.get("/.well-known/oauth-protected-resource/mcp").json()
    assert (resource["resource"], resource["authorization_servers"]) == (f"{base}/mcp", [base])
    assert (
        f'resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"'
        in client.post("/mcp", json={}).headers["www-authenticate"]
    )
    # The redirect back to the client names that issuer, and the resource must be that one.
    client_id = register(client)["client_id"]
    query = authorization_query(client_id, PKCE.new(), resource=f"{base}/mcp", scope="nothing")
    refused = client.get("/authorize", params=query, follow_redirects=False)
    assert answer_of(refused.headers["location"])["iss"] == base
    assert answer_of(refused.headers["location"])["error"] == "invalid_scope"


# Registration ----------------------------------------------------------------------------------


def test_a_public_client_registers_by_default(client: TestClient) -> None:
    uris = ["https://App.example/cb", "http://localhost/callback"]
    answer = client.post("/register", json={"redirect_uris": uris, "client_name": "  My agent "})
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["redirect_uris"] == uris  # as sent: they are compared as strings
    assert (body["client_name"], body["token_endpoint_auth_method"]) == ("My agent", "none")
    assert body["grant_types"] == ["authorization_code", "refresh_token"] and body["response_types"] == [
        "code"
    ]
    assert "client_secret" not in body and isinstance(body["client_id_issued_at"], int)
    assert abs(body["client_id_issued_at"] - time.time()) < 60
    assert register(client)["client_id"] != body["client_id"]


@pytest.mark.parametrize(
    "uris",
    [
        ["https://claude.ai/api/mcp/auth_callback"],
        ["http://localhost:6274/oauth/callback", "http://127.0.0.1/cb", "http://[::1]:33418/cb"],
        ["cursor://anysphere.cursor-mcp/oauth/callback"],
        ["com.example.app:/cb"],
        # Cursor sends three.
        [
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "http://localhost:6274/oauth/callback",
            "https://example.com/cb?x=1",
        ],
    ],
)
def test_redirect_uris_a_client_may_register(client: TestClient, uris: list[str]) -> None:
    assert register(client, uris)["redirect_uris"] == uris


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"redirect_uris": ["http://example.com/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://ok.example/cb", "http://evil.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["javascript:alert(1)"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["data:text/html,hi"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["file:///etc/passwd"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["vbscript:msgbox"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["/relative/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://app.example/cb#fragment"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://app.example/a b"]}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_client_metadata"),
        ({}, "invalid_client_metadata"),
        ({"redirect_uris": "https://app.example/cb"}, "invalid_client_metadata"),
        ({"redirect_uris": [REDIRECT], "client_name": ""}, "invalid_client_metadata"),
        ({"redirect_uris": [REDIRECT], "client_name": "x" * 101}, "invalid_client_metadata"),
        (
            {"redirect_uris": [REDIRECT], "token_endpoint_auth_method": "private_key_jwt"},
            "invalid_client_metadata",
        ),
        ({"redirect_uris": [REDIRECT], "grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"redirect_uris": [REDIRECT], "response_types": ["token"]}, "invalid_client_metadata"),
        ([REDIRECT], "invalid_client_metadata"),
    ],
)
def test_registrations_refused(client: TestClient, body: Any, error: str) -> None:
    description = oauth_error(client.post("/register", json=body), 400, error)
    assert description
    assert count(OAuthClient) == 0


def test_a_registration_that_is_not_json(client: TestClient) -> None:
    answer = client.post("/register", content=b"redirect_uris=x", headers={"Content-Type": "text/plain"})
    oauth_error(answer, 400, "invalid_client_metadata")


def test_registrations_per_address_are_limited(client: TestClient) -> None:
    """1,000 an hour from one address (the in-process client's is "unknown"): 999 are there."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [
        {
            "client_id": f"seeded-{n}",
            "redirect_uris": "[]",
            "auth_method": "none",
            "registered_from": "unknown",
            "created_at": now - dt.timedelta(minutes=30),
        }
        for n in range(999)
    ]
    with database_proxy.obj.connection_context(), database_proxy.obj.atomic():
        for start in range(0, len(rows), 100):
            OAuthClient.insert_many(rows[start : start + 100]).execute()
    register(client)  # the 1,000th
    refused = client.post("/register", json={"redirect_uris": [REDIRECT]})
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"] == "rate_limited"
    assert 1700 <= int(refused.headers["retry-after"]) <= 1800  # when the oldest leaves the hour
    assert count(OAuthClient) == 1000


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
def test_a_confidential_client_authenticates_as_it_registered(
    client: TestClient, ann_auth: dict[str, str], method: str
) -> None:
    registered = register(client, token_endpoint_auth_method=method)
    client_id, secret = registered["client_id"], registered["client_secret"]
    assert secret.startswith("tdcs_") and registered["client_secret_expires_at"] == 0
    with database_proxy.obj.connection_context():
        stored = OAuthClient.get(OAuthClient.client_id == client_id)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored.__data__)

    def code() -> tuple[str, PKCE]:
        pkce = PKCE.new()
        return approve(client, authorization_query(client_id, pkce))["code"], pkce

    first, pkce = code()
    # No secret, or a wrong one, in either place: 401 invalid_client (and the code is not spent).
    assert "secret" in oauth_error(redeem(client, client_id, first, pkce), 401, "invalid_client")
    wrong = redeem(client, client_id, first, pkce, client_secret="tdcs_wrong")
    assert oauth_error(wrong, 401, "invalid_client") == "Wrong client secret"
    assert wrong.headers["www-authenticate"] == 'Basic realm="todo-api"'
    bad_basic = client.post(
        "/token",
        data={"grant_type": "authorization_code", "code": first},
        headers={"Authorization": "Basic bm90IGJhc2U2NA=="},
    )
    oauth_error(bad_basic, 401, "invalid_client")
    if method == "client_secret_post":
        answer = redeem(client, client_id, first, pkce, client_secret=secret)
    else:
        answer = client.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": first,
                "redirect_uri": REDIRECT,
                "code_verifier": pkce.verifier,
            },
            auth=(client_id, secret),
        )
    assert answer.status_code == 200, answer.text
    assert token_works(client, answer.json()["access_token"])


# Client ID metadata documents ------------------------------------------------------------------


@pytest.fixture
def documents() -> Iterator[DocumentServer]:
    server = DocumentServer()
    yield server
    server.close()


def document(url: str, **fields: Any) -> dict[str, Any]:
    return {"client_id": url, "client_name": "Doc Agent", "redirect_uris": [REDIRECT], **fields}


def test_a_client_id_metadata_document(
    app_with: Callable[..., TestClient], documents: DocumentServer
) -> None:
    client = app_with(WEBHOOK_ALLOW_PRIVATE="true")
    signup(client)
    url = documents.base + "/oauth/client.json"
    documents.serve("/oauth/client.json", document(url), Cache_Control="public, max-age=600")
    pkce = PKCE.new()
    query = authorization_query(url, pkce)
    page = client.get("/authorize", params=query)
    assert page.status_code == 200, page.text
    assert "Doc Agent" in page.text and "described by 127.0.0.1" in page.text
    form = consent_form(page.text)
    assert form.hidden["client_id"] == [url]
    answer = client.post(
        form.action,
        data=form.filled("approve", email="ann@example.com", password=PASSWORD),
        follow_redirects=False,
    )
    code = answer_of(answer.headers["location"])["code"]
    tokens = redeem(client, url, code, pkce)
    assert tokens.status_code == 200, tokens.text
    assert token_works(client, tokens.json()["access_token"])
    # Kept as its Cache-Control said: a second authorization does not fetch it again.
    assert open_consent(client, authorization_query(url, PKCE.new())).hidden["client_id"] == [url]
    assert documents.fetches["/oauth/client.json"] == 1
    listed = client.get("/api/auth/connections", headers=auth(signup_login(client))).json()
    assert [(c["client_id"], c["client_name"]) for c in listed] == [(url, "Doc Agent")]
    # no-store: fetched at every authorization request, so a change is seen at once.
    fresh = documents.serve(
        "/oauth/fresh.json", document(documents.base + "/oauth/fresh.json"), Cache_Control="no-store"
    )
    for _ in range(2):
        open_consent(client, authorization_query(fresh, PKCE.new()))
    assert documents.fetches["/oauth/fresh.json"] == 2
    documents.serve("/oauth/fresh.json", document(fresh, client_name="Renamed"), Cache_Control="no-store")
    assert "Renamed" in client.get("/authorize", params=authorization_query(fresh, PKCE.new())).text


def signup_login(client: TestClient) -> str:
    answer = client.post("/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.mark.parametrize(
    "problem",
    ["another client_id", "redirect not listed", "a secret", "404", "not json", "too large", "http refused"],
)
def test_documents_the_service_cannot_use(
    app_with: Callable[..., TestClient], documents: DocumentServer, problem: str
) -> None:
    client = app_with(WEBHOOK_ALLOW_PRIVATE="false" if problem == "http refused" else "true")
    url = documents.base + "/doc.json"
    served = {
        "another client_id": document("https://elsewhere.example/doc.json"),
        "redirect not listed": document(url, redirect_uris=["https://elsewhere.example/cb"]),
        "a secret": document(url, token_endpoint_auth_method="client_secret_post"),
        "not json": b"<html>not json</html>",
        "too large": document(url, padding="x" * 70_000),
        "http refused": document(url),
    }
    if problem != "404":
        documents.serve("/doc.json", served[problem])
    page = client.get("/authorize", params=authorization_query(url, PKCE.new()), follow_redirects=False)
    assert page.status_code == 400, page.text
    assert "location" not in page.headers and page.headers["content-type"].startswith("text/html")
    # Only a valid document is kept (the redirect is refused for the request, not the client).
    assert count(OAuthClient) == (1 if problem == "redirect not listed" else 0)


# Authorization requests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "no-such-client"},
        {"client_id": None},
        {"redirect_uri": "http://127.0.0.1:4711/elsewhere"},
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": None},
    ],
    ids=["unknown client", "no client", "another path", "another host", "no redirect_uri"],
)
def test_an_untrusted_client_or_redirect_gets_a_page_never_a_redirect(
    client: TestClient, overrides: dict[str, str | None]
) -> None:
    client_id = register(client)["client_id"]
    query = authorization_query(client_id, PKCE.new(), **overrides)
    page = client.get("/authorize", params=query, follow_redirects=False)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert (
        "This app cannot connect" in page.text
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "invalid_request"),
        ({"scope": "tasks:read admin"}, "invalid_scope"),
        ({"resource": "https://other.example/mcp"}, "invalid_target"),
    ],
)
def test_other_problems_go_back_to_the_client(
    client: TestClient, overrides: dict[str, str | None], error: str
) -> None:
    client_id = register(client)["client_id"]
    query = authorization_query(client_id, PKCE.new(), **overrides)
    answer = client.get("/authorize", params=query, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(REDIRECT + "?")
    sent = answer_of(answer.headers["location"])
    assert (sent["error"], sent["state"], sent["iss"]) == (error, query["state"], BASE)
    assert sent["error_description"] and "code" not in sent


def test_a_parameter_given_twice_is_refused(client: TestClient) -> None:
    client_id = register(client)["client_id"]
    pkce = PKCE.new()
    query = authorization_query(client_id, pkce)
    url = (
        "/authorize?" + "&".join(f"{k}={v}" for k, v in query.items()) + "&scope=tasks:read&scope=tasks:write"
    )
    answer = client.get(url, follow_redirects=False)
    assert answer_of(answer.headers["location"])["error"] == "invalid_request"
    # resource may be given twice (RFC 8707), each naming this service.
    both = f"/authorize?{'&'.join(f'{k}={v}' for k, v in query.items())}&resource={BASE}"
    assert client.get(both, follow_redirects=False).status_code == 200


def test_the_resource_must_name_this_service(client: TestClient) -> None:
    client_id = register(client)["client_id"]
    for resource in (f"{BASE}/mcp", f"{BASE}/mcp/", BASE, f"{BASE}/"):
        query = authorization_query(client_id, PKCE.new(), resource=resource)
        assert client.get("/authorize", params=query, follow_redirects=False).status_code == 200, resource
    for resource in (f"{BASE}/api", "http://other.example/mcp", f"{BASE}/mcp/more"):
        query = authorization_query(client_id, PKCE.new(), resource=resource)
        refused = client.get("/authorize", params=query, follow_redirects=False)
        assert answer_of(refused.headers["location"])["error"] == "invalid_target", resource


def test_a_loopback_redirect_matches_on_any_port(client: TestClient, ann_auth: dict[str, str]) -> None:
    client_id = register(client, ["http://127.0.0.1:4711/callback"])["client_id"]
    pkce = PKCE.new()
    elsewhere = "http://127.0.0.1:50123/callback"
    code = approve(client, authorization_query(client_id, pkce, redirect_uri=elsewhere))["code"]
    # The code goes with the redirect URI it was asked with, port and all.
    oauth_error(redeem(client, client_id, code, pkce), 400, "invalid_grant")
    assert redeem(client, client_id, code, pkce, redirect_uri=elsewhere).status_code == 200
    # Not another host or path on the loopback, nor another scheme.
    for other in (
        "http://localhost:4711/callback",
        "http://127.0.0.1:4711/other",
        "https://127.0.0.1:4711/callback",
    ):
        page = client.get("/authorize", params=authorization_query(client_id, pkce, redirect_uri=other))
        assert page.status_code == 400, other


# The consent page ------------------------------------------------------------------------------


def test_the_consent_page(client: TestClient, ann_auth: dict[str, str]) -> None:
    client_id = register(client, client_name="Claude")["client_id"]
    query = authorization_query(client_id, PKCE.new(), scope=None)
    page = client.get("/authorize", params=query)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "form-action 'self' http://127.0.0.1:4711" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/authorize" in cookie
    assert "secure" not in cookie  # http://testserver: a browser would not keep a Secure cookie
    # Who asks, where it sends you, and each scope in plain words.
    text = page.text
    assert "Claude" in text and "the name it gives itself" in text and "an app on this device" in text
    assert "tasks:read" in text and "See your tasks and lists." in text
    assert "tasks:write" in text and "Add, change, complete and delete your tasks and lists." in text
    form = consent_form(text)
    assert form.forms == 1 and form.method == "post" and form.action == "/authorize/consent"
    assert form.inputs == {"email": "email", "password": "password"}
    assert form.decisions == ["approve", "deny"]
    assert form.hidden["client_id"] == [client_id] and form.hidden["redirect_uri"] == [REDIRECT]
    assert form.hidden["scope"] == ["tasks:read tasks:write"] and form.hidden["state"] == [query["state"]]
    assert form.hidden["code_challenge_method"] == ["S256"] and form.hidden["csrf"][0]
    # A read-only request says so, and nothing of writing.
    read_only = client.get("/authorize", params=authorization_query(client_id, PKCE.new(), scope=READ)).text
    assert "See your tasks" in read_only and "tasks:write" not in read_only


def test_what_a_client_names_itself_is_escaped(client: TestClient) -> None:
    client_id = register(client, client_name='<script>alert("x")</script>')["client_id"]
    page = client.get("/authorize", params=authorization_query(client_id, PKCE.new())).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_approve_and_deny(client: TestClient, ann_auth: dict[str, str]) -> None:
    client_id = register(client)["client_id"]
    query = authorization_query(client_id, PKCE.new())
    form = open_consent(client, query)
    # Deny needs no password.
    denied = client.post(form.action, data=form.filled("deny"), follow_redirects=False)
    assert denied.status_code == 302
    sent = answer_of(denied.headers["location"])
    assert (sent["error"], sent["state"], sent["iss"]) == ("access_denied", query["state"], BASE)
    assert count(OAuthCode) == 0
    # Approve: the code, the state, the issuer.
    approved = client.post(
        form.action,
        data=form.filled("approve", email="ANN@example.com ", password=PASSWORD),
        follow_redirects=False,
    )
    assert approved.status_code == 302 and approved.headers["cache-control"] == "no-store"
    assert approved.headers["location"].startswith(REDIRECT + "?code=")
    sent = answer_of(approved.headers["location"])
    assert set(sent) == {"code", "state", "iss"} and (sent["state"], sent["iss"]) == (query["state"], BASE)
    assert len(sent["code"]) >= 43
    with database_proxy.obj.connection_context():
        (row,) = OAuthCode.select()
    assert row.code_hash == hashlib.sha256(sent["code"].encode()).hexdigest()
    # Without credentials, Approve shows the page again.
    again = client.post(form.action, data=form.filled("approve"))
    assert again.status_code == 401 and "Enter your email and password" in again.text


def test_cross_site_posts_are_refused(client: TestClient, ann_auth: dict[str, str]) -> None:
    client_id = register(client)["client_id"]
    form = open_consent(client, authorization_query(client_id, PKCE.new()))
    filled = form.filled("approve", email="ann@example.com", password=PASSWORD)
    key = client.cookies.get("todo_oauth_consent")
    assert key
    # Another site's post: no cookie of ours comes with it (SameSite=Strict), or the form's token
    # is not the one of the cookie that came.
    client.cookies.clear()
    assert client.post(form.action, data=filled).status_code == 403
    client.cookies.set("todo_oauth_consent", "A" * 43, path="/authorize")
    assert client.post(form.action, data=filled).status_code == 403
    client.cookies.clear()
    client.cookies.set("todo_oauth_consent", key, path="/authorize")
    assert client.post(form.action, data={**filled, "csrf": ["forged"]}).status_code == 403
    assert client.post(form.action, data={k: v for k, v in filled.items() if k != "csrf"}).status_code == 403
    assert count(OAuthCode) == 0
    # The page's own post, which a browser sends with `Origin: null` (Referrer-Policy: no-referrer).
    accepted = client.post(form.action, data=filled, headers={"Origin": "null"}, follow_redirects=False)
    assert accepted.status_code == 302 and "code=" in accepted.headers["location"]
    # Every consent tab of one browser shares the key.
    second = open_consent(client, authorization_query(client_id, PKCE.new()))
    assert second.hidden["csrf"] == form.hidden["csrf"]


def test_wrong_passwords_count_toward_the_login_throttle(app_with: Callable[..., TestClient]) -> None:
    client = app_with(LOGIN_MAX_FAILURES="2")
    signup(client)
    client_id = register(client)["client_id"]
    form = open_consent(client, authorization_query(client_id, PKCE.new()))
    for _ in range(2):
        wrong = client.post(
            form.action, data=form.filled("approve", email="ann@example.com", password="wrong!!!")
        )
        assert wrong.status_code == 401
        assert "Incorrect email or password." in wrong.text
        assert consent_form(wrong.text).inputs == {"email": "email", "password": "password"}
        assert 'value="ann@example.com"' in wrong.text  # the email is kept, never the password
    throttled = client.post(
        form.action, data=form.filled("approve", email="ann@example.com", password=PASSWORD)
    )
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    assert "Too many failed sign-ins" in throttled.text
    # The same count as /api/auth/login's.
    login = client.post("/api/auth/login", json={"email": "ann@example.com", "password": PASSWORD})
    assert login.status_code == 429
    assert count(OAuthCode) == 0


def test_a_signed_in_browser_only_presses_approve(client: TestClient, ann_auth: dict[str, str]) -> None:
    """The page at `/` keeps its login token; the consent page sends it instead of a password."""
    login_token = ann_auth["Authorization"].removeprefix("Bearer ")
    bob = signup(client, "bob@example.com")["access_token"]
    client_id = register(client)["client_id"]
    pkce = PKCE.new()
    form = open_consent(client, authorization_query(client_id, pkce))
    personal = client.post("/api/auth/tokens", json={"name": "script"}, headers=ann_auth).json()["token"]
    for refused in (personal, "not-a-token"):
        page = client.post(form.action, data=form.filled("approve", session_token=refused))
        assert page.status_code == 401 and "has ended" in page.text
    approved = client.post(
        form.action, data=form.filled("approve", session_token=login_token), follow_redirects=False
    )
    assert approved.status_code == 302
    tokens = redeem(client, client_id, answer_of(approved.headers["location"])["code"], pkce).json()
    # Ann's connection, not Bob's.
    assert client.get("/api/auth/connections", headers=ann_auth).json()[0]["client_id"] == client_id
    assert client.get("/api/auth/connections", headers=auth(bob)).json() == []
    assert token_works(client, tokens["access_token"])
    # A password, when typed, wins over the browser's session (another account approves).
    form = open_consent(client, authorization_query(client_id, PKCE.new()))
    filled = form.filled("approve", session_token=login_token, email="bob@example.com", password=PASSWORD)
    assert client.post(form.action, data=filled, follow_redirects=False).status_code == 302
    assert len(client.get("/api/auth/connections", headers=auth(bob)).json()) == 0  # until redeemed
    with database_proxy.obj.connection_context():
        assert {row.user_id for row in OAuthCode.select()} == {
            client.get("/api/auth/me", headers=ann_auth).json()["id"],
            client.get("/api/auth/me", headers=auth(bob)).json()["id"],
        }


# Codes and the token endpoint ------------------------------------------------------------------


def test_a_code_is_single_use_and_a_replay_revokes_what_it_gave(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    client_id = register(client)["client_id"]
    pkce = PKCE.new()
    code = approve(client, authorization_query(client_id, pkce))["code"]
    first = redeem(client, client_id, code, pkce)
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    tokens = first.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert (tokens["token_type"], tokens["expires_in"], tokens["scope"]) == (
        "Bearer",
        3600,
        "tasks:read tasks:write",
    )
    assert tokens["access_token"].startswith("tdo_") and tokens["refresh_token"].startswith("tdr_")
    assert token_works(client, tokens["access_token"])
    assert "used already" in oauth_error(redeem(client, client_id, code, pkce), 400, "invalid_grant")
    # Whoever redeemed it first loses what it got.
    assert not token_works(client, tokens["access_token"])
    oauth_error(refreshed(client, client_id, tokens["refresh_token"]), 400, "invalid_grant")
    assert client.get("/api/auth/connections", headers=ann_auth).json() == []
    # Only hashes are kept.
    with database_proxy.obj.connection_context():
        stored = [
            repr(row.__data__)
            for model in (AccessToken, OAuthRefreshToken, OAuthCode)
            for row in model.select()
        ]
    assert not any(
        secret in row for row in stored for secret in (code, tokens["access_token"], tokens["refresh_token"])
    )


def test_a_code_is_bound_to_its_client_redirect_and_verifier(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    client_id, other = register(client)["client_id"], register(client)["client_id"]
    pkce = PKCE.new()
    code = approve(client, authorization_query(client_id, pkce))["code"]
    for wrong in (
        redeem(client, client_id, code, PKCE.new()),
        redeem(client, client_id, code, pkce, code_verifier="short"),
        redeem(client, client_id, code, pkce, redirect_uri="http://127.0.0.1:4711/other"),
        redeem(client, other, code, pkce),
        redeem(client, client_id, "no-such-code", pkce),
    ):
        oauth_error(wrong, 400, "invalid_grant")
    # None of them spent it.
    assert redeem(client, client_id, code, pkce).status_code == 200


def test_a_code_lives_a_short_while(app_with: Callable[..., TestClient]) -> None:
    client = app_with(OAUTH_CODE_SECONDS="1")
    signup(client)
    client_id = register(client)["client_id"]
    pkce = PKCE.new()
    code = approve(client, authorization_query(client_id, pkce))["code"]
    time.sleep(1.2)
    assert "expired" in oauth_error(redeem(client, client_id, code, pkce), 400, "invalid_grant")


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"client_id": "CLIENT", "code": "x"}, 400, "invalid_request"),
        (
            {"client_id": "CLIENT", "grant_type": "password", "username": "a", "password": "b"},
            400,
            "unsupported_grant_type",
        ),
        ({"client_id": "CLIENT", "grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        (
            {"client_id": "CLIENT", "grant_type": "authorization_code", "redirect_uri": REDIRECT},
            400,
            "invalid_request",
        ),
        ({"client_id": "CLIENT", "grant_type": "refresh_token"}, 400, "invalid_request"),
        (
            {
                "client_id": "CLIENT",
                "grant_type": "refresh_token",
                "refresh_token": "tdr_x",
                "resource": "https://other.example/mcp",
            },
            400,
            "invalid_target",
        ),
        (
            {"client_id": "CLIENT", "grant_type": ["refresh_token", "refresh_token"], "refresh_token": "x"},
            400,
            "invalid_request",
        ),
        (
            {"client_id": "no-such-client", "grant_type": "refresh_token", "refresh_token": "x"},
            401,
            "invalid_client",
        ),
        ({"grant_type": "refresh_token", "refresh_token": "x"}, 401, "invalid_client"),
    ],
)
def test_token_endpoint_refusals(client: TestClient, data: dict[str, Any], status: int, error: str) -> None:
    client_id = register(client)["client_id"]
    data = {name: client_id if value == "CLIENT" else value for name, value in data.items()}
    oauth_error(client.post("/token", data=data), status, error)


def test_the_token_endpoint_takes_forms_only(client: TestClient) -> None:
    client_id = register(client)["client_id"]
    answer = client.post(
        "/token", json={"grant_type": "refresh_token", "client_id": client_id, "refresh_token": "x"}
    )
    oauth_error(answer, 400, "invalid_request")


# Refresh tokens --------------------------------------------------------------------------------


def test_refresh_rotates_and_a_rotated_token_revokes_the_connection(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    connected = connect(client)
    client_id, first = connected["client_id"], connected["refresh_token"]
    rotated = refreshed(client, client_id, first)
    assert rotated.status_code == 200 and rotated.headers["cache-control"] == "no-store"
    second = rotated.json()
    assert second["refresh_token"] != first and second["access_token"] != connected["access_token"]
    assert token_works(client, second["access_token"])
    assert token_works(client, connected["access_token"])  # the earlier access token lives its hour
    # The first refresh token again: someone else has it. The whole connection goes.
    assert "used already" in oauth_error(refreshed(client, client_id, first), 400, "invalid_grant")
    for token in (connected["access_token"], second["access_token"]):
        assert not token_works(client, token)
    oauth_error(refreshed(client, client_id, second["refresh_token"]), 400, "invalid_grant")
    assert client.get("/api/auth/connections", headers=ann_auth).json() == []
    # Another client cannot use a client's refresh token.
    connected = connect(client)
    other = register(client)["client_id"]
    oauth_error(refreshed(client, other, connected["refresh_token"]), 400, "invalid_grant")
    assert refreshed(client, connected["client_id"], connected["refresh_token"]).status_code == 200


def test_scopes_narrow_on_refresh_never_widen(client: TestClient, ann_auth: dict[str, str]) -> None:
    full = connect(client)
    narrowed = refreshed(client, full["client_id"], full["refresh_token"], scope=READ).json()
    assert narrowed["scope"] == READ
    write = client.post("/api/tasks", json={"title": "t"}, headers=auth(narrowed["access_token"]))
    assert write.status_code == 403 and write.json()["code"] == "insufficient_scope"
    # The next refresh may ask for all the user approved again.
    again = refreshed(client, full["client_id"], narrowed["refresh_token"]).json()
    assert again["scope"] == "tasks:read tasks:write"
    read_only = connect(client, scope=READ)
    assert read_only["scope"] == READ
    wider = refreshed(client, read_only["client_id"], read_only["refresh_token"], scope=f"{READ} {WRITE}")
    oauth_error(wider, 400, "invalid_scope")
    oauth_error(
        refreshed(client, read_only["client_id"], read_only["refresh_token"], scope="admin"),
        400,
        "invalid_scope",
    )


# What the tokens may do ------------------------------------------------------------------------


def test_an_access_token_is_a_personal_token_of_its_scopes(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    tokens = connect(client)
    headers = auth(tokens["access_token"])
    created = client.post("/api/tasks", json={"title": "from an agent"}, headers=headers)
    assert created.status_code == 201
    assert [task["title"] for task in client.get("/api/tasks", headers=ann_auth).json()] == ["from an agent"]
    # Never the account: tokens, connections, the password, deleting it.
    for method, path, body in (
        ("GET", "/api/auth/tokens", None),
        ("POST", "/api/auth/tokens", {"name": "x"}),
        ("GET", "/api/auth/connections", None),
        ("DELETE", "/api/auth/connections/1", None),
        ("POST", "/api/auth/password", {"current_password": PASSWORD, "new_password": "another password"}),
        ("DELETE", "/api/auth/me", {"password": PASSWORD}),
    ):
        refused = client.request(method, path, json=body, headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope", (
            path,
            refused.text,
        )
    # It is not among the personal tokens, and cannot be revoked as one.
    assert client.get("/api/auth/tokens", headers=ann_auth).json() == []
    with database_proxy.obj.connection_context():
        row = AccessToken.get(
            AccessToken.token_hash == hashlib.sha256(tokens["access_token"].encode()).hexdigest()
        )
    assert client.delete(f"/api/auth/tokens/{row.id}", headers=ann_auth).status_code == 404
    assert token_works(client, tokens["access_token"])
    # Its use shows on the connection.
    (listed,) = client.get("/api/auth/connections", headers=ann_auth).json()
    assert listed["last_used_at"] is not None


def test_an_access_token_expires_and_the_refresh_token_does_not(app_with: Callable[..., TestClient]) -> None:
    client = app_with(OAUTH_ACCESS_TOKEN_SECONDS="1")
    signup(client)
    tokens = connect(client)
    assert tokens["expires_in"] == 1
    assert token_works(client, tokens["access_token"])
    time.sleep(1.2)
    assert not token_works(client, tokens["access_token"])
    renewed = refreshed(client, tokens["client_id"], tokens["refresh_token"]).json()
    assert token_works(client, renewed["access_token"])


# Revocation ------------------------------------------------------------------------------------


def test_revocation_acts_on_the_asking_clients_tokens_only(
    client: TestClient, ann_auth: dict[str, str]
) -> None:
    tokens = connect(client)
    client_id = tokens["client_id"]
    other = register(client)["client_id"]

    def revoke(token: str, as_client: str | None) -> Any:
        data = {"token": token} | ({"client_id": as_client} if as_client else {})
        return client.post("/revoke", data=data)

    # Another client's revocation, or of a token nobody issued: 200, and nothing happens.
    for token in (tokens["access_token"], tokens["refresh_token"]):
        answer = revoke(token, other)
        assert answer.status_code == 200 and answer.content == b""
    assert revoke("tdo_nobody-issued-this", client_id).status_code == 200
    assert token_works(client, tokens["access_token"])
    # The access token alone: it stops working; the refresh token still refreshes.
    assert revoke(tokens["access_token"], client_id).status_code == 200
    assert not token_works(client, tokens["access_token"])
    renewed = refreshed(client, client_id, tokens["refresh_token"]).json()
    # A refresh token: the whole connection goes.
    assert revoke(renewed["refresh_token"], client_id).status_code == 200
    assert not token_works(client, renewed["access_token"])
    assert client.get("/api/auth/connections", headers=ann_auth).json() == []
    oauth_error(client.post("/revoke", data={"client_id": client_id}), 400, "invalid_request")
    oauth_error(revoke("x", "no-such-client"), 401, "invalid_client")


# Connections -----------------------------------------------------------------------------------


def test_connections_are_listed_and_disconnected(client: TestClient, ann_auth: dict[str, str]) -> None:
    first, second = connect(client), connect(client, scope=READ)
    listed = client.get("/api/auth/connections", headers=ann_auth)
    assert listed.status_code == 200
    rows = listed.json()
    assert [(row["client_id"], row["client_name"], row["scopes"]) for row in rows] == [
        (first["client_id"], "Test agent", [READ, WRITE]),
        (second["client_id"], "Test agent", [READ]),
    ]
    assert set(rows[0]) == {"id", "client_id", "client_name", "scopes", "created_at", "last_used_at"}
    assert rows[0]["created_at"].endswith("Z") and rows[0]["last_used_at"] is None
    # Bob cannot see or disconnect Ann's.
    bob = auth(signup(client, "bob@example.com")["access_token"])
    assert client.get("/api/auth/connections", headers=bob).json() == []
    assert client.delete(f"/api/auth/connections/{rows[0]['id']}", headers=bob).status_code == 404
    assert token_works(client, first["access_token"])
    # Disconnecting: every token of it stops at once.
    assert client.delete(f"/api/auth/connections/{rows[0]['id']}", headers=ann_auth).status_code == 204
    assert not token_works(client, first["access_token"])
    oauth_error(refreshed(client, first["client_id"], first["refresh_token"]), 400, "invalid_grant")
    assert token_works(client, second["access_token"])
    assert [row["id"] for row in client.get("/api/auth/connections", headers=ann_auth).json()] == [
        rows[1]["id"]
    ]
    assert client.delete(f"/api/auth/connections/{rows[0]['id']}", headers=ann_auth).status_code == 404
    assert client.delete("/api/auth/connections/abc", headers=ann_auth).status_code == 422


def test_a_password_change_revokes_every_connection(client: TestClient, ann_auth: dict[str, str]) -> None:
    tokens = connect(client)
    pending_pkce = PKCE.new()
    pending = approve(client, authorization_query(tokens["client_id"], pending_pkce))["code"]
    change = {"current_password": PASSWORD, "new_password": "a brand new password"}
    assert client.post("/api/auth/password", json=change, headers=ann_auth).status_code == 204
    assert not token_works(client, tokens["access_token"])
    oauth_error(refreshed(client, tokens["client_id"], tokens["refresh_token"]), 400, "invalid_grant")
    oauth_error(redeem(client, tokens["client_id"], pending, pending_pkce), 400, "invalid_grant")
    login = client.post(
        "/api/auth/login", json={"email": "ann@example.com", "password": "a brand new password"}
    )
    assert client.get("/api/auth/connections", headers=auth(login.json()["access_token"])).json() == []
    assert count(OAuthConnection) == count(OAuthCode) == 0


def test_deleting_the_account_removes_its_connections(client: TestClient, ann_auth: dict[str, str]) -> None:
    tokens = connect(client)
    assert (
        client.request("DELETE", "/api/auth/me", json={"password": PASSWORD}, headers=ann_auth).status_code
        == 204
    )
    assert not token_works(client, tokens["access_token"])
    oauth_error(refreshed(client, tokens["client_id"], tokens["refresh_token"]), 400, "invalid_grant")
    assert count(OAuthConnection) == count(AccessToken) == count(OAuthRefreshToken) == count(OAuthCode) == 0
    # The same email signs up anew: nothing of the old connections is its.
    fresh = auth(signup(client)["access_token"])
    assert client.get("/api/auth/connections", headers=fresh).json() == []
    assert not token_works(client, tokens["access_token"])


def test_what_can_no_longer_be_used_is_purged(client: TestClient, ann_auth: dict[str, str]) -> None:
    """The maintenance job's part (background/maintenance.py): expired access tokens, refresh
    tokens and codes, and the connections left without a refresh token; nothing that still works."""
    tokens = connect(client)
    pending = approve(client, authorization_query(tokens["client_id"], PKCE.new()))["code"]
    personal = client.post(
        "/api/auth/tokens", json={"name": "script", "expires_in_days": 1}, headers=ann_auth
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def purge(at: dt.datetime) -> int:
        with database_proxy.obj.connection_context(), database_proxy.obj.atomic():
            return purge_grants(at)

    assert purge(now) == 0
    assert token_works(client, tokens["access_token"]) and pending
    # Two hours on: the access token (an hour) is gone, the refresh token still refreshes.
    assert purge(now + dt.timedelta(hours=2)) == 1
    renewed = refreshed(client, tokens["client_id"], tokens["refresh_token"]).json()
    assert len(client.get("/api/auth/connections", headers=ann_auth).json()) == 1
    # A day and more: the code too. 31 days: the refresh tokens, then the connection they held.
    assert purge(now + dt.timedelta(days=1, hours=1)) == 3  # both codes, the newest access token
    assert purge(now + dt.timedelta(days=31)) == 3  # two refresh tokens (one rotated), the connection
    assert client.get("/api/auth/connections", headers=ann_auth).json() == []
    assert not token_works(client, renewed["access_token"])
    # Personal tokens are not the OAuth door's to purge, even expired: they stay listed.
    assert personal.status_code == 201
    assert len(client.get("/api/auth/tokens", headers=ann_auth).json()) == 1


def test_with_private_addresses_allowed_plain_http_is_still_for_them_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WEBHOOK_ALLOW_PRIVATE lets a metadata document be fetched over http:// from a private or
    loopback address (tests, private networks), never from a public one."""
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: public)
    with pytest.raises(DocumentRefused, match="must be https"):
        fetch_document("http://public.example/client.json", allow_private=True)
    with pytest.raises(DocumentRefused, match="must be https"):
        fetch_document("http://public.example/client.json", allow_private=False)
