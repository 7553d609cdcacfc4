"""The REST answers' shapes that only REST gives, for the OpenAPI document (a task's and a
list's are domain/views.py's)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class UserOut(BaseModel):
    id: str
    email: str | None
    name: str | None
    time_zone: str = Field(description="the IANA zone new tasks take unless they name their own")
    created_at: dt.datetime


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int = Field(description="seconds")
    user: UserOut


class ErrorOut(BaseModel):
    detail: str
    code: str


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    detail: list[ValidationErrorItem]
    code: Literal["validation_error", "idempotency_key_reused"]
