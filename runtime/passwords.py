"""bcrypt hashing off the event loop, with its own small thread limit.

bcrypt releases the GIL; a dedicated limiter keeps a burst of logins from taking every worker
thread (and both cores) away from the requests that only need the database.
"""

from __future__ import annotations

import anyio
import anyio.to_thread
import bcrypt

MAX_PASSWORD_BYTES = 72


class PasswordHasher:
    def __init__(self, rounds: int, concurrency: int = 2) -> None:
        self.rounds = rounds
        self.limiter = anyio.CapacityLimiter(concurrency)
        self._dummy_hash: bytes | None = None

    def dummy_hash(self) -> bytes:
        """Checked against when the account does not exist, so both answers take as long. Made
        on first need, in a worker thread: at start-up it would cost a whole bcrypt."""
        if self._dummy_hash is None:
            self._dummy_hash = bcrypt.hashpw(b"not a real password", bcrypt.gensalt(self.rounds))
        return self._dummy_hash

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hash, password, limiter=self.limiter)

    async def verify(self, password: str, hashed: str | None) -> bool:
        """True when `password` matches `hashed`. Takes as long when `hashed` is None, or when
        the password is longer than bcrypt's 72 bytes (no account can have such a password)."""
        candidate = password.encode()
        possible = hashed is not None and len(candidate) <= MAX_PASSWORD_BYTES

        def check() -> bool:
            against = hashed.encode() if hashed is not None and possible else self.dummy_hash()
            return bcrypt.checkpw(candidate[:MAX_PASSWORD_BYTES], against)

        matches = await anyio.to_thread.run_sync(check, limiter=self.limiter)
        return matches and possible

    def _hash(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(self.rounds)).decode()
