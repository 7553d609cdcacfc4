"""The JSON Web Key Set of an external issuer (Better Auth's JWT plugin), cached.

The set is fetched in a worker thread, again when a token names an unknown `kid` (a rotated
key), but at most once per `min_interval` seconds so a flood of bogus `kid`s cannot turn into
a flood of fetches. A request whose `kid` is unknown while a fetch is in flight waits for that
fetch (the lock) instead of being refused: the first requests after a start all need the set.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from typing import IO, Any, NoReturn

import anyio
import anyio.to_thread
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

logger = logging.getLogger("todo_api.auth")


class RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """The key set comes from the configured address only: a redirect is a failed fetch."""

    def redirect_request(self, req: Any, fp: IO[bytes], code: int, msg: str, *args: Any) -> NoReturn:
        raise OSError(f"refusing a redirect ({code}) from the key set's address")


OPENER = urllib.request.build_opener(RefuseRedirects)


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
        if kid in self.keys and self.age() <= self.max_age:
            return self.keys[kid]
        async with self.lock:
            if self.age() > (self.min_interval if kid not in self.keys else self.max_age):
                await anyio.to_thread.run_sync(self.refresh)
        return self.keys.get(kid)

    def age(self) -> float:
        return time.monotonic() - self.fetched_at

    def refresh(self) -> None:
        """Fetch the set; on failure keep the keys we had (logged, never raised)."""
        self.fetched_at = time.monotonic()
        try:
            with OPENER.open(self.url, timeout=self.timeout) as response:
                key_set = PyJWKSet.from_dict(json.load(response))
        except (OSError, ValueError, PyJWKError, PyJWKSetError) as exc:
            logger.warning("JWKS fetch from %s failed: %s", self.url, exc)
            return
        self.keys = {key.key_id: key for key in key_set.keys if key.key_id and signs(key)}


def signs(key: PyJWK) -> bool:
    """A key for signatures: `use` is "sig" or absent (an "enc" key never verifies a token)."""
    return key.public_key_use in (None, "sig")
