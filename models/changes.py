"""What the change feed and idempotent requests keep."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel
from models.user import User


class BodyField(peewee.TextField):
    """Text of up to 16 MB on MySQL (its TEXT holds 64 KB); TEXT elsewhere (models/database.py)."""

    field_type = "MEDIUMTEXT"


class Tombstone(BaseModel):
    """A deleted entity, kept CHANGES_RETENTION_DAYS so that clients syncing from before its
    deletion hear of it. `change_seq` is the user's change sequence at the deletion. No id is
    given twice (migration 011), so (kind, entity_id) names one entity, live or deleted."""

    kind = peewee.CharField(max_length=16)  # "task"
    entity_id = peewee.BigIntegerField()
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    version = peewee.BigIntegerField()  # one more than the entity's last version
    change_seq = peewee.BigIntegerField()
    deleted_at = peewee.DateTimeField(index=True)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "tombstones"
        primary_key = peewee.CompositeKey("kind", "entity_id")
        indexes = ((("user", "change_seq"), False),)


class IdempotencyKey(BaseModel):
    """The first answer to a request carrying this key, from this user; `status` is null while
    that request is running (its change committed, its answer not yet stored)."""

    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    key = peewee.CharField(max_length=255)
    fingerprint = peewee.CharField(max_length=64)  # of the method, path and body
    status = peewee.SmallIntegerField(null=True)
    headers = peewee.TextField(null=True)  # JSON: the answer's header lines worth repeating
    body = BodyField(null=True)
    created_at = peewee.DateTimeField(index=True)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "idempotency_keys"
        primary_key = peewee.CompositeKey("user", "key")
