from __future__ import annotations

import peewee

from models.base import BaseModel


class LoginThrottle(BaseModel):
    """Failed logins counted per key ("account:<email>" or "client:<address>") in a window.

    Kept in the database so every worker and replica sees the same counts.
    """

    key = peewee.CharField(max_length=300, primary_key=True)
    failures = peewee.IntegerField(default=0)
    window_start = peewee.DateTimeField(index=True)  # expired rows are found by it

    class Meta:
        table_name = "login_throttles"
