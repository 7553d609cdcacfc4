"""OAuth as the clients do it, against live servers: the official `mcp` client's
OAuthClientProvider, told only the URL of /mcp, finds the metadata from the 401, registers,
opens the consent page (a redirect handler that fills in its form over HTTP, as a person's
browser without JavaScript would), gets its tokens, lists the tools and calls one, and later
refreshes its expired token by itself; on every database. Then a replica pair on one
PostgreSQL database: whatever one process issues, the other accepts, and a connection revoked
at one is refused at both at once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from pydantic import AnyUrl

from tests.support.accounts import PASSWORD, signup
from tests.support.dbservers import DatabaseServer
from tests.support.live import Server, call
from tests.support.oauth import PKCE, answer_of, consent_form
from tests.support.tokens import SECRET

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

CALLBACK = "http://127.0.0.1:4712/callback"  # never listened on: the handler reads the redirect


@dataclass
class Storage:
    """The client's TokenStorage, in memory."""

    tokens: OAuthToken | None = None
    client_info: OAuthClientInformationFull | None = None
    tokens_seen: list[OAuthToken] = field(default_factory=list)

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.tokens_seen.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@dataclass
class Person:
    """Who answers the consent page: the redirect handler opens it and posts its form with the
    cookies it set, as a browser without JavaScript does; the callback handler hands the
    client what the redirect to CALLBACK carried."""

    email: str
    pages: list[str] = field(default_factory=list)
    answers: list[dict[str, str]] = field(default_factory=list)

    async def open(self, authorization_url: str) -> None:
        async with httpx2.AsyncClient(follow_redirects=False, timeout=30) as browser:
            page = await browser.get(authorization_url)
            assert page.status_code == 200, page.text
            self.pages.append(page.text)
            form = consent_form(page.text)
            action = httpx2.URL(authorization_url).join(form.action)
            filled = form.filled("approve", email=self.email, password=PASSWORD)
            answer = await browser.post(action, data=filled, headers={"Origin": "null"})
        assert answer.status_code == 302, answer.text
        assert answer.headers["location"].startswith(CALLBACK + "?")
        self.answers.append(answer_of(answer.headers["location"]))

    async def callback(self) -> AuthorizationCodeResult:
        sent = self.answers[-1]
        return AuthorizationCodeResult(code=sent["code"], state=sent.get("state"), iss=sent.get("iss"))


def provider(base: str, person: Person, storage: Storage) -> OAuthClientProvider:
    metadata = OAuthClientMetadata(
        client_name="Official client",
        redirect_uris=[AnyUrl(CALLBACK)],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(
        server_url=f"{base}/mcp",
        client_metadata=metadata,
        storage=storage,
        redirect_handler=person.open,
        callback_handler=person.callback,
    )


@asynccontextmanager
async def agent(url: str, auth: httpx2.Auth | None = None, token: str | None = None) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    http = create_mcp_http_client(headers=headers, auth=auth)
    async with Client(streamable_http_client(url, http_client=http)) as client:
        yield client


def tasks(base: str, token: str) -> list[str]:
    reply = call("GET", f"{base}/api/tasks?sort=created_at", token=token)
    assert reply.status == 200, reply.body
    return [task["title"] for task in reply.body]


@pytest.mark.server_env(OAUTH_ACCESS_TOKEN_SECONDS="2")
async def test_the_official_client_connects_by_the_url_alone(server: Server) -> None:
    login = signup(server, "olga@example.com")["access_token"]
    person, storage = Person("olga@example.com"), Storage()
    auth = provider(server.base, person, storage)
    async with agent(f"{server.base}/mcp", auth=auth) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert {"add_task", "list_tasks", "complete_task"} <= tools
        added = await client.call_tool("add_task", {"title": "Added through OAuth"})
        assert not added.is_error, added.content
    # It registered, met the consent page once, and got a token of both scopes for Olga.
    assert storage.client_info is not None and storage.client_info.client_name == "Official client"
    assert len(person.pages) == 1 and "Official client" in person.pages[0]
    assert person.answers[0]["iss"] == server.base
    assert storage.tokens is not None and storage.tokens.scope == "tasks:read tasks:write"
    assert tasks(server.base, login) == ["Added through OAuth"]
    (connection,) = call("GET", f"{server.base}/api/auth/connections", token=login).body
    assert connection["client_id"] == storage.client_info.client_id
    assert connection["client_name"] == "Official client"

    # Two seconds on, its access token has expired: the client refreshes it by itself (a new
    # refresh token too), with no consent page.
    first = storage.tokens
    await anyio.sleep(2.5)
    async with agent(f"{server.base}/mcp", auth=auth) as client:
        listed = await client.call_tool("list_tasks", {})
        assert not listed.is_error and listed.structured_content["total"] == 1
    assert len(person.pages) == 1
    assert storage.tokens.access_token != first.access_token
    assert storage.tokens.refresh_token != first.refresh_token
    expired = call("GET", f"{server.base}/api/tasks", token=first.access_token)
    assert expired.status == 401

    # Disconnected in the page at `/`: the client's tokens are refused at once; it would have
    # to ask the person again.
    assert call("DELETE", f"{server.base}/api/auth/connections/{connection['id']}", token=login).status == 204
    assert call("GET", f"{server.base}/api/tasks", token=storage.tokens.access_token).status == 401


async def test_a_read_only_grant_reads_and_cannot_write(server: Server) -> None:
    """A `tasks:read` connection on /mcp, with the official client: a writing tool answers an
    `isError` result, and nothing changes."""
    login = signup(server, "rhea@example.com")["access_token"]
    token = read_only_token(server, "rhea@example.com")
    async with agent(f"{server.base}/mcp", token=token) as client:
        listed = await client.call_tool("list_tasks", {})
        assert not listed.is_error
        refused = await client.call_tool("add_task", {"title": "not allowed"})
        assert refused.is_error
        assert "tasks:write" in refused.content[0].text
    assert tasks(server.base, login) == []


def read_only_token(server: Server, email: str) -> str:
    """A connection approved for tasks:read only, the way a client without the SDK makes one."""
    with httpx2.Client(base_url=server.base, follow_redirects=False, timeout=30) as browser:
        registered = browser.post(
            "/register", json={"redirect_uris": [CALLBACK], "client_name": "Reader"}
        ).json()
        pkce = PKCE.new()
        query = {
            "response_type": "code",
            "client_id": registered["client_id"],
            "redirect_uri": CALLBACK,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
            "state": "s",
            "scope": "tasks:read",
        }
        form = consent_form(browser.get("/authorize", params=query).text)
        answer = browser.post(form.action, data=form.filled("approve", email=email, password=PASSWORD))
        code = answer_of(answer.headers["location"])["code"]
        tokens = browser.post(
            "/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "client_id": registered["client_id"],
                "code_verifier": pkce.verifier,
            },
        ).json()
    assert tokens["scope"] == "tasks:read", tokens
    return str(tokens["access_token"])


# A replica pair ----------------------------------------------------------------------------------


@pytest.fixture
def replicas(tmp_path: Path, database_server: Callable[[str], DatabaseServer]) -> Iterator[list[Server]]:
    """Two processes on one PostgreSQL database behind one public URL (as behind a load
    balancer): the first's address."""
    postgres = database_server("postgresql")
    env = {"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET}
    env["DATABASE_URL"] = postgres.create_database("oauth_replicas")
    first = Server(env)
    second = Server({**env, "PUBLIC_URL": first.base})
    first.env["PUBLIC_URL"] = first.base
    started = [first.start(), second.start()]
    yield started
    for replica in started:
        replica.stop()
        assert "Traceback" not in replica.output()
    postgres.drop_database("oauth_replicas")


def test_replicas_accept_what_either_issued(replicas: list[Server]) -> None:
    one, two = replicas
    login = signup(one, "rita@example.com")["access_token"]
    with httpx2.Client(follow_redirects=False, timeout=30) as browser:
        # Registered at one, the consent page from two, its form posted to one, the code
        # redeemed at two.
        registered = browser.post(f"{one.base}/register", json={"redirect_uris": [CALLBACK]}).json()
        client_id = registered["client_id"]
        pkce = PKCE.new()
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
            "state": "s",
            "resource": f"{one.base}/mcp",
        }
        page = browser.get(f"{two.base}/authorize", params=query)
        assert page.status_code == 200, page.text
        form = consent_form(page.text)
        answer = browser.post(
            f"{one.base}{form.action}",
            data=form.filled("approve", email="rita@example.com", password=PASSWORD),
        )
        assert answer.status_code == 302, answer.text
        sent = answer_of(answer.headers["location"])
        assert sent["iss"] == one.base
        redeem = {
            "grant_type": "authorization_code",
            "code": sent["code"],
            "redirect_uri": CALLBACK,
            "client_id": client_id,
            "code_verifier": pkce.verifier,
        }
        tokens = browser.post(f"{two.base}/token", data=redeem).json()
        assert "access_token" in tokens, tokens
        # The code replayed at one: refused, and what two gave for it is revoked on both.
        replay = browser.post(f"{one.base}/token", data=redeem)
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
        for replica in replicas:
            assert call("GET", f"{replica.base}/api/tasks", token=tokens["access_token"]).status == 401

        # A fresh connection: its token works at both, refreshed at one, then used at two.
        tokens = connect_at(browser, one, two, client_id)
        for replica in replicas:
            assert call("GET", f"{replica.base}/api/tasks", token=tokens["access_token"]).status == 200
        refresh = {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": client_id,
        }
        renewed = browser.post(f"{one.base}/token", data=refresh).json()
        assert call("GET", f"{two.base}/api/tasks", token=renewed["access_token"]).status == 200
        # The rotated refresh token presented at two: the connection is revoked on both at once.
        reuse = browser.post(f"{two.base}/token", data=refresh)
        assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
        for replica in replicas:
            assert call("GET", f"{replica.base}/api/tasks", token=renewed["access_token"]).status == 401

        # Disconnected at two: refused at one at once.
        tokens = connect_at(browser, one, two, client_id)
        (connection,) = call("GET", f"{one.base}/api/auth/connections", token=login).body
        assert (
            call("DELETE", f"{two.base}/api/auth/connections/{connection['id']}", token=login).status == 204
        )
        assert call("GET", f"{one.base}/api/tasks", token=tokens["access_token"]).status == 401
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
        mcp = browser.post(
            f"{one.base}/mcp",
            content=body,
            headers={
                "Authorization": f"Bearer {tokens['access_token']}",
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream",
            },
        )
        assert mcp.status_code == 401


def connect_at(browser: httpx2.Client, one: Server, two: Server, client_id: str) -> dict[str, Any]:
    """Approved at one (a browser's cookies go to one host), redeemed at two."""
    pkce = PKCE.new()
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "state": "s",
    }
    form = consent_form(browser.get(f"{one.base}/authorize", params=query).text)
    answer = browser.post(
        f"{one.base}{form.action}", data=form.filled("approve", email="rita@example.com", password=PASSWORD)
    )
    code = answer_of(answer.headers["location"])["code"]
    redeem = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": client_id,
        "code_verifier": pkce.verifier,
    }
    tokens: dict[str, Any] = browser.post(f"{two.base}/token", data=redeem).json()
    assert "access_token" in tokens, tokens
    return tokens
