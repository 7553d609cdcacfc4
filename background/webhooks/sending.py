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
import time

from runtime.pinned_http import pinned_connection
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
    connection = pinned_connection(target, TIMEOUT_SECONDS)
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
