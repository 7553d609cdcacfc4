"""Idempotency keys: claimed with the change they guard, answered again to retries (inside a
database call; handlers/http/idempotency.py is the request's side).

A request carrying a key claims it in the transaction of its first write, before the write's
own work: the key's row and the change commit together or not at all. Two requests with one key
cannot both claim it (the row's primary key): the second's transaction fails and rolls its work
back, whichever worker or replica ran it. The first answer is stored once the request is done.
"""

from __future__ import annotations

import datetime as dt
import json
from contextvars import ContextVar
from dataclasses import dataclass, field

import peewee

from domain.errors import KeyInFlight
from models import IdempotencyKey, bound_database, utc_now
from models.statements import Statement


@dataclass
class Claim:
    user_id: str
    key: str
    fingerprint: str  # of the request's method, path and body
    ttl: dt.timedelta
    committed: bool = field(default=False)  # the key's row is in the database


current_claim: ContextVar[Claim | None] = ContextVar("current_claim", default=None)


def of_key(user_id: str, key: str) -> peewee.ColumnBase:
    return (IdempotencyKey.user == user_id) & (IdempotencyKey.key == key)


# Every request with a key runs some of these: their SQL is written once (models/statements.py).
FIND = Statement(
    lambda user_id, key, since: IdempotencyKey.select().where(
        of_key(user_id, key) & (IdempotencyKey.created_at >= since)
    )
)
DELETE_EXPIRED = Statement(
    lambda user_id, key, before: IdempotencyKey.delete().where(
        of_key(user_id, key) & (IdempotencyKey.created_at < before)
    )
)
DELETE = Statement(lambda user_id, key: IdempotencyKey.delete().where(of_key(user_id, key)))
INSERT = Statement(
    lambda user_id, key, fingerprint, status, headers, body, created_at: IdempotencyKey.insert(
        user=user_id,
        key=key,
        fingerprint=fingerprint,
        status=status,
        headers=headers,
        body=body,
        created_at=created_at,
    )
)
STORE = Statement(
    lambda status, headers, body, user_id, key: IdempotencyKey.update(
        status=status, headers=headers, body=body
    ).where(of_key(user_id, key))
)


def in_flight() -> KeyInFlight:
    return KeyInFlight("A request with this Idempotency-Key is still running")


def find_key(claim: Claim) -> IdempotencyKey | None:
    """The key's row, unless it is older than the time keys are kept."""
    return FIND.first(IdempotencyKey, claim.user_id, claim.key, utc_now() - claim.ttl)


def claim_key(claim: Claim) -> None:
    """The key's row, inserted in the write transaction this runs in; 409 when another request
    holds it (a row past its time is taken over)."""
    DELETE_EXPIRED.execute(claim.user_id, claim.key, utc_now() - claim.ttl)
    try:
        with bound_database().atomic():  # a savepoint: PostgreSQL survives the conflict
            insert(claim, None, None, None)
    except peewee.IntegrityError:
        raise in_flight() from None


def store_answer(claim: Claim, status: int, headers: list[tuple[str, str]], body: str) -> None:
    """Keep the first answer: on the claimed row, or on a new one when the request wrote nothing
    (an answer a retry gets again all the same). A key claimed meanwhile by another request
    keeps that request's answer."""
    if claim.committed:
        STORE.execute(status, json.dumps(headers), body, claim.user_id, claim.key)
        return
    try:
        with bound_database().atomic():
            insert(claim, status, json.dumps(headers), body)
    except peewee.IntegrityError:
        pass


def release_key(claim: Claim) -> None:
    """Forget the key (the request answered 5xx: a retry runs again)."""
    DELETE.execute(claim.user_id, claim.key)


def insert(claim: Claim, status: int | None, headers: str | None, body: str | None) -> None:
    INSERT.execute(claim.user_id, claim.key, claim.fingerprint, status, headers, body, utc_now())


def purge_keys(before: dt.datetime, batch: int = 1000) -> int:
    """Delete about `batch` of the keys created before `before` (background/maintenance.py)."""
    oldest = IdempotencyKey.select(IdempotencyKey.created_at).where(IdempotencyKey.created_at < before)
    last = oldest.order_by(IdempotencyKey.created_at).offset(batch - 1).limit(1).scalar()
    bound = IdempotencyKey.created_at < before if last is None else IdempotencyKey.created_at <= last
    return int(IdempotencyKey.delete().where(bound).execute())
