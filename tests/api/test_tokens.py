"""Tokens the contract accepts: our own, HS256 from another issuer with the shared secret, and
Better Auth JWT-plugin tokens checked against a JWKS served on 127.0.0.1 by this test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from starlette.testclient import TestClient

from domain.errors import Unauthenticated
from router import create_app
from runtime.jwks import JWKSCache
from runtime.token_service import TokenService
from settings import Settings
from tests.support.accounts import auth, signup
from tests.support.live import Server, call
from tests.support.tokens import SECRET, signed_token

FRONTEND = "https://frontend.example.com"


class KeySetServer:
    """Serves a mutable JWKS on 127.0.0.1 and counts the fetches."""

    def __init__(self, delay: float = 0.0, redirect_to: str | None = None) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                time.sleep(delay)
                if redirect_to is not None:
                    self.send_response(302)
                    self.send_header("location", redirect_to)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                payload = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/api/auth/jwks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()


def algorithm_of(private_key: Any) -> str:
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    return "ES256" if isinstance(private_key, ec.EllipticCurvePrivateKey) else "RS256"


def public_jwk(private_key: Any, kid: str) -> dict[str, Any]:
    converter = {"EdDSA": OKPAlgorithm, "ES256": ECAlgorithm, "RS256": RSAAlgorithm}[
        algorithm_of(private_key)
    ]
    jwk = converter.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": algorithm_of(private_key), "use": "sig"}


def better_auth_token(private_key: Any, kid: str, sub: str = "ba_user_1", **claims: Any) -> str:
    """A token as Better Auth's JWT plugin issues it: `iss` and `aud` are the frontend's URL."""
    now = int(time.time())
    payload = {
        "sub": sub,
        "iat": now,
        "exp": now + 900,
        "iss": FRONTEND,
        "aud": FRONTEND,
        "email": "Ba@Example.com",
    }
    return jwt.encode(
        {**payload, **claims}, private_key, algorithm=algorithm_of(private_key), headers={"kid": kid}
    )


@pytest.fixture
def key_server() -> Iterator[KeySetServer]:
    server = KeySetServer()
    yield server
    server.close()


@pytest.fixture
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture
def jwks_client(
    make_settings: Callable[..., Settings], key_server: KeySetServer, ed_key: Any
) -> Iterator[TestClient]:
    key_server.keys = [public_jwk(ed_key, "key-1")]
    settings = make_settings(JWKS_URL=key_server.url)
    with TestClient(create_app(settings)) as client:
        yield client


def test_better_auth_eddsa_token_creates_the_user_on_first_use(jwks_client: TestClient, ed_key: Any) -> None:
    token = better_auth_token(ed_key, "key-1")
    me = jwks_client.get("/api/auth/me", headers=auth(token))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == "ba_user_1"
    assert me.json()["email"] == "ba@example.com"
    created = jwks_client.post("/api/ba_user_1/tasks", json={"title": "from Next.js"}, headers=auth(token))
    assert created.status_code == 201
    assert created.json()["user_id"] == "ba_user_1"
    assert jwks_client.get("/api/auth/me", headers=auth(token)).json() == me.json()  # no second row


def test_unknown_kid_is_401(jwks_client: TestClient) -> None:
    stranger = ed25519.Ed25519PrivateKey.generate()
    response = jwks_client.get("/api/auth/me", headers=auth(better_auth_token(stranger, "key-unknown")))
    assert response.status_code == 401


def test_token_signed_by_another_key_under_a_known_kid_is_401(jwks_client: TestClient) -> None:
    impostor = ed25519.Ed25519PrivateKey.generate()
    assert (
        jwks_client.get("/api/auth/me", headers=auth(better_auth_token(impostor, "key-1"))).status_code == 401
    )


def test_hs256_signed_with_the_public_key_is_401(jwks_client: TestClient, ed_key: Any) -> None:
    """Key confusion: the public key used as an HMAC secret must never verify."""
    from cryptography.hazmat.primitives import serialization

    public_bytes = ed_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    now = int(time.time())
    forged = jwt.encode(
        {"sub": "x", "exp": now + 60}, public_bytes, algorithm="HS256", headers={"kid": "key-1"}
    )
    assert jwks_client.get("/api/auth/me", headers=auth(forged)).status_code == 401


def test_alg_none_is_401(jwks_client: TestClient) -> None:
    unsigned = jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, None, algorithm="none")
    assert jwks_client.get("/api/auth/me", headers=auth(unsigned)).status_code == 401


def test_expired_better_auth_token_is_401(jwks_client: TestClient, ed_key: Any) -> None:
    token = better_auth_token(ed_key, "key-1", exp=int(time.time()) - 120)
    response = jwks_client.get("/api/auth/me", headers=auth(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "Token has expired"


@pytest.mark.anyio
async def test_rotated_key_set_is_fetched_again_at_most_once_per_interval(
    make_settings: Callable[..., Settings], key_server: KeySetServer
) -> None:
    old, new = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    key_server.keys = [public_jwk(old, "old")]
    cache = JWKSCache(key_server.url, min_interval=0.3)
    tokens = TokenService(make_settings(), cache)
    assert (await tokens.verify(better_auth_token(old, "old"))).subject == "ba_user_1"
    assert key_server.fetches == 1

    key_server.keys = [public_jwk(new, "new")]  # rotation: the old key is gone
    for _ in range(5):  # a burst of unknown kids within the interval: no new fetch
        with pytest.raises(Unauthenticated):
            await tokens.verify(better_auth_token(new, "new"))
    assert key_server.fetches == 1

    await anyio.sleep(0.35)
    assert (await tokens.verify(better_auth_token(new, "new", sub="ba_user_2"))).subject == "ba_user_2"
    assert key_server.fetches == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    "key_factory",
    [lambda: ec.generate_private_key(ec.SECP256R1()), lambda: rsa.generate_private_key(65537, 2048)],
)
async def test_es256_and_rs256_keys_are_accepted(
    make_settings: Callable[..., Settings], key_server: KeySetServer, key_factory: Callable[[], Any]
) -> None:
    key = key_factory()
    key_server.keys = [public_jwk(key, "k")]
    tokens = TokenService(make_settings(), JWKSCache(key_server.url))
    assert (await tokens.verify(better_auth_token(key, "k"))).subject == "ba_user_1"


def test_hs256_from_another_issuer_with_the_shared_secret(client: TestClient) -> None:
    now = int(time.time())
    token = jwt.encode(
        {
            "sub": "shared-secret-user",
            "exp": now + 600,
            "iat": now,
            "iss": FRONTEND,
            "email": "s@example.com",
        },
        SECRET,
        algorithm="HS256",
    )
    me = client.get("/api/auth/me", headers=auth(token))
    assert me.status_code == 200
    assert me.json()["id"] == "shared-secret-user"
    assert client.get("/api/shared-secret-user/tasks", headers=auth(token)).status_code == 200


def test_hs256_with_a_wrong_secret_is_401(client: TestClient) -> None:
    token = jwt.encode(
        {"sub": "x", "exp": int(time.time()) + 600}, "another-secret-of-enough-length!!", algorithm="HS256"
    )
    assert client.get("/api/auth/me", headers=auth(token)).status_code == 401


def external_token(subject: str, issued_at: float, **claims: Any) -> str:
    """HS256 with the shared secret from an issuer that is not this service."""
    return signed_token({"sub": subject, "iss": "https://fe", **claims}, issued_at=issued_at)


def test_a_deleted_external_account_stays_deleted_for_older_tokens(client: TestClient) -> None:
    """A token issued before its external account was deleted does not bring the account back."""
    old = auth(external_token("ext-deleted", time.time() - 5))
    client.post("/api/tasks", json={"title": "before"}, headers=old)
    assert [t["title"] for t in client.get("/api/tasks", headers=old).json()] == ["before"]  # now cached
    assert client.request("DELETE", "/api/auth/me", headers=old).status_code == 204
    assert client.get("/api/tasks", headers=old).status_code == 401
    assert client.get("/api/auth/me", headers=old).status_code == 401
    time.sleep(1.1)  # iat has a resolution of one second
    fresh = auth(external_token("ext-deleted", time.time()))
    assert client.get("/api/tasks", headers=fresh).json() == []  # a new account, not the old list
    assert client.get("/api/auth/me", headers=fresh).status_code == 200


def test_odd_claims_of_another_issuer(client: TestClient) -> None:
    """Another issuer's over-long email or NUL in a name is dropped; a NUL in the subject is a 401."""
    now = time.time()
    long_email = auth(external_token("ext-long", now, email="a" * 300 + "@example.com", name="N\x00ame"))
    me = client.get("/api/auth/me", headers=long_email)
    assert me.status_code == 200
    assert (me.json()["email"], me.json()["name"]) == (None, None)
    assert client.get("/api/auth/me", headers=auth(external_token("nul\x00sub", now))).status_code == 401


def test_issuer_and_audience_are_enforced_when_configured(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(JWT_ISSUER="https://api.example.com", JWT_AUDIENCE="todo-frontend")
    with TestClient(create_app(settings)) as client:
        signed_up = signup(client, "a@example.com")
        claims = jwt.decode(signed_up["access_token"], SECRET, algorithms=["HS256"], audience="todo-frontend")
        assert (claims["iss"], claims["aud"]) == ("https://api.example.com", "todo-frontend")
        assert client.get("/api/auth/me", headers=auth(signed_up["access_token"])).status_code == 200
        now = int(time.time())
        for claims in (
            {"sub": "x", "exp": now + 60, "iss": "https://other", "aud": "todo-frontend"},
            {"sub": "x", "exp": now + 60, "iss": "https://api.example.com", "aud": "someone-else"},
            {"sub": "x", "exp": now + 60},
        ):
            token = jwt.encode(claims, SECRET, algorithm="HS256")
            assert client.get("/api/auth/me", headers=auth(token)).status_code == 401, claims


def test_issued_token_claims(client: TestClient) -> None:
    signed_up = signup(client, "c@example.com")
    header = jwt.get_unverified_header(signed_up["access_token"])
    claims = jwt.decode(signed_up["access_token"], SECRET, algorithms=["HS256"])
    assert header["alg"] == "HS256"
    assert claims["sub"] == signed_up["user"]["id"]
    assert claims["email"] == "c@example.com"
    assert claims["iss"] == "todo-api"
    assert claims["exp"] - claims["iat"] == 1440 * 60


@pytest.mark.slow
def test_requests_during_the_first_key_set_fetch_wait_for_it(tmp_path: Path, ed_key: Any) -> None:
    """A page's 8 requests at once to a service that has just started, with a key set that
    takes 500 ms to answer: every one gets its 200 (none is refused while the fetch runs)."""
    slow = KeySetServer(delay=0.5)
    slow.keys = [public_jwk(ed_key, "key-1")]
    env = {"DATA_DIR": str(tmp_path), "BCRYPT_ROUNDS": "4", "JWT_SECRET": SECRET, "JWKS_URL": slow.url}
    server = Server(env).start()
    try:
        token = better_auth_token(ed_key, "key-1")
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: call("GET", f"{server.base}/api/tasks", token=token), range(8)))
        assert [reply.status for reply in replies] == [200] * 8
        assert slow.fetches == 1
    finally:
        server.stop()
        slow.close()


@pytest.mark.anyio
async def test_key_set_fetch_follows_no_redirect(
    make_settings: Callable[..., Settings], key_server: KeySetServer, ed_key: Any
) -> None:
    key_server.keys = [public_jwk(ed_key, "key-1")]
    redirecting = KeySetServer(redirect_to=key_server.url)
    try:
        tokens = TokenService(make_settings(), JWKSCache(redirecting.url))
        with pytest.raises(Unauthenticated):
            await tokens.verify(better_auth_token(ed_key, "key-1"))
        assert (redirecting.fetches, key_server.fetches) == (1, 0)
    finally:
        redirecting.close()


@pytest.mark.anyio
@pytest.mark.parametrize(("use", "accepted"), [("sig", True), (None, True), ("enc", False)])
async def test_only_signature_keys_verify_tokens(
    make_settings: Callable[..., Settings],
    key_server: KeySetServer,
    ed_key: Any,
    use: str | None,
    accepted: bool,
) -> None:
    jwk = {key: value for key, value in public_jwk(ed_key, "key-1").items() if key != "use"}
    key_server.keys = [jwk if use is None else {**jwk, "use": use}]
    tokens = TokenService(make_settings(), JWKSCache(key_server.url))
    token = better_auth_token(ed_key, "key-1")
    if accepted:
        assert (await tokens.verify(token)).subject == "ba_user_1"
    else:
        with pytest.raises(Unauthenticated):
            await tokens.verify(token)
