from __future__ import annotations

import secrets

import peewee

from models.base import BaseModel, utc_now


def new_user_id() -> str:
    return "u_" + secrets.token_urlsafe(12)


class User(BaseModel):
    """An account: signed up here (with a password) or first seen in an external token."""

    id = peewee.CharField(max_length=128, primary_key=True, default=new_user_id)
    # Stored trimmed and lower-cased, so the unique index is case-insensitive on every database.
    email = peewee.CharField(max_length=254, null=True, unique=True)
    name = peewee.CharField(max_length=100, null=True)
    password_hash = peewee.CharField(max_length=100, null=True)
    # Raised by a password change; tokens carrying an older value are refused.
    token_version = peewee.IntegerField(default=0)
    # The user's change sequence: raised by one in each transaction that changes the user's tasks,
    # while it holds this row's lock, so the numbers commit in order. Tasks and tombstones carry
    # the number of their last change (the change feed), and list caches and ETags key on it.
    tasks_version = peewee.BigIntegerField(default=0)
    # The user's Inbox (models/lists.py): set with the first request that needs it.
    default_list_id = peewee.BigIntegerField(null=True)
    created_at = peewee.DateTimeField(default=utc_now)
    # The IANA zone a new task takes unless it names its own.
    time_zone = peewee.CharField(max_length=64, default="UTC")

    class Meta:
        table_name = "users"


class DeletedUser(BaseModel):
    """An account deleted at `deleted_at`: tokens issued before then cannot bring it back."""

    id = peewee.CharField(max_length=128, primary_key=True)
    deleted_at = peewee.DateTimeField()

    class Meta:
        table_name = "deleted_users"
