"""The JSON Web Key Set of an external issuer (Better Auth's JWT plugin), cached.

The set is fetched in a worker thread, again when a token names an unknown `kid` (a rotated
key), but at most once per `min_interval` seconds so a flood of bogus `kid`s cannot turn into
a flood of fetches.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request

import anyio
import anyio.to_thread
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

logger = logging.getLogger("todo_api.auth")


class JWKSCache:
    def __init__(
        self, url: str, min_interval: float = 5.0, max_age: float = 600.0, timeout: float = 5.0
    ) -> None:
        self.url = url
        self.min_interval = min_interval
        self.max_age = max_age
        self.timeout = timeout
        self.keys: dict[str, PyJWK] = {}
        self.fetched_at = float("-inf")
        self.lock = anyio.Lock()

    async def key_for(self, kid: str) -> PyJWK | None:
        age = time.monotonic() - self.fetched_at
        if (kid not in self.keys and age > self.min_interval) or age > self.max_age:
            async with self.lock:
                if time.monotonic() - self.fetched_at > self.min_interval:
                    await anyio.to_thread.run_sync(self.refresh)
        return self.keys.get(kid)

    def refresh(self) -> None:
        """Fetch the set; on failure keep the keys we had (logged, never raised)."""
        self.fetched_at = time.monotonic()
        try:
            with urllib.request.urlopen(self.url, timeout=self.timeout) as response:  # noqa: S310 (http(s) checked in settings)
                key_set = PyJWKSet.from_dict(json.load(response))
        except (OSError, ValueError, PyJWKError, PyJWKSetError) as exc:
            logger.warning("JWKS fetch from %s failed: %s", self.url, exc)
            return
        self.keys = {key.key_id: key for key in key_set.keys if key.key_id}
