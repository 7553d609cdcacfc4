"""One delivery attempt: the event POSTed as Standard Webhooks says, to the address checked.

Headers `webhook-id` (the event id, the same on every attempt), `webhook-timestamp` (Unix
seconds) and `webhook-signature`: `v1,` and the base64 HMAC-SHA256, keyed with the secret's
bytes, of `{id}.{timestamp}.{body}`. A 2xx within TIMEOUT_SECONDS is success; nothing else is
(no redirect is followed). Blocking: run in a worker thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import socket
import ssl
import time

from runtime.webhook_urls import Target

TIMEOUT_SECONDS = 10
MAX_BODY_BYTES = 256 * 1024
USER_AGENT = "todo-api-webhooks/1"


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def post(target: Target, secret: str, message_id: str, body: bytes) -> tuple[int | None, str | None]:
    """(the status answered, None) or (None or the status, why the attempt failed)."""
    if len(body) > MAX_BODY_BYTES:
        return None, f"event larger than {MAX_BODY_BYTES} bytes"
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
    connection = pinned_connection(target)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a receiver's answer is not kept
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, None
    return response.status, f"answered {response.status}"


def pinned_connection(target: Target) -> http.client.HTTPConnection:
    """A connection to `target.address` that speaks to `target.host` (its Host header, and the
    name a TLS certificate must have)."""
    if target.scheme == "https":
        return PinnedHTTPSConnection(target.host, target.port, target.address)
    return PinnedHTTPConnection(target.host, target.port, target.address)


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
