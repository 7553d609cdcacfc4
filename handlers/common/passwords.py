"""bcrypt hashing off the event loop, with its own small thread limit.

bcrypt releases the GIL; a dedicated limiter keeps a burst of logins from taking every worker
thread (and both cores) away from the requests that only need the database.
"""

from __future__ import annotations

import anyio
import anyio.to_thread
import bcrypt


class PasswordHasher:
    def __init__(self, rounds: int, concurrency: int = 2) -> None:
        self.rounds = rounds
        self.limiter = anyio.CapacityLimiter(concurrency)
        # Checked against when the account does not exist, so both answers take as long.
        self.dummy_hash = bcrypt.hashpw(b"not a real password", bcrypt.gensalt(rounds)).decode()

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hash, password, limiter=self.limiter)

    async def verify(self, password: str, hashed: str | None) -> bool:
        """True when `password` matches `hashed`; takes as long when `hashed` is None."""
        matches = await anyio.to_thread.run_sync(
            bcrypt.checkpw,
            password.encode(),
            (hashed or self.dummy_hash).encode(),
            limiter=self.limiter,
        )
        return matches and hashed is not None

    def _hash(self, password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(self.rounds)).decode()
