"""Tasks that left a list: what a list's CalDAV sync needs to name the resources it lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from models.base import BaseModel
from models.user import User


class Departure(BaseModel):
    """A task that left list `list_id` (deleted, or moved to another list) in the user's change
    `change_seq`, with the resource name it had there (`dav_name`, or `<uid>.ics` when null).
    Kept CHANGES_RETENTION_DAYS, as tombstones are."""

    id = peewee.BigAutoField()
    user = peewee.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE", index=False)
    list_id = peewee.BigIntegerField()  # no foreign key: the list may be gone
    uid = peewee.CharField(max_length=255)
    dav_name = peewee.CharField(max_length=255, null=True)
    change_seq = peewee.BigIntegerField()
    left_at = peewee.DateTimeField(index=True)

    if TYPE_CHECKING:
        user_id: str

    class Meta:
        table_name = "departures"
        indexes = ((("list_id", "change_seq"), False),)
