"""Request and response schemas shared by several handlers (validation and OpenAPI)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt

INT64_MAX = 2**63 - 1
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
Priority = Literal["low", "medium", "high"]


def control_characters(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def clean_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.fullmatch(email):
        raise ValueError("not a valid email address")
    return email


def check_password(value: str) -> str:
    size = len(value.encode("utf-8"))
    if not 8 <= size <= 72:
        raise ValueError("must be 8 to 72 bytes long (as UTF-8)")
    return value


def clean_title(value: str) -> str:
    title = value.strip()
    if not 1 <= len(title) <= 200:
        raise ValueError("must be 1 to 200 characters after trimming")
    if control_characters(title):
        raise ValueError("must not contain control characters")
    return title


def clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > 1000:
        raise ValueError("must be at most 1000 characters")
    if control_characters(value, allowed="\n\r\t"):
        raise ValueError("must not contain control characters other than newlines and tabs")
    return value


def clean_tag(value: str) -> str:
    tag = value.strip().lower()
    if not 1 <= len(tag) <= 30:
        raise ValueError("each tag must be 1 to 30 characters")
    if control_characters(tag):
        raise ValueError("tags must not contain control characters")
    return tag


def unique_tags(tags: list[str]) -> list[str]:
    unique = list(dict.fromkeys(tags))
    if len(unique) > 10:
        raise ValueError("at most 10 tags")
    return unique


def to_naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Aware datetimes are converted to UTC; naive ones are taken as UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def not_null(value: object) -> object:
    if value is None:
        raise ValueError("may not be null")
    return value


Email = Annotated[str, Field(max_length=320), AfterValidator(clean_email)]
Password = Annotated[str, AfterValidator(check_password)]
Title = Annotated[str, BeforeValidator(not_null), AfterValidator(clean_title)]
Description = Annotated[str | None, AfterValidator(clean_description)]
Tag = Annotated[str, AfterValidator(clean_tag)]
Tags = Annotated[list[Tag], BeforeValidator(not_null), Field(max_length=100), AfterValidator(unique_tags)]
DueDate = Annotated[dt.datetime | None, AfterValidator(to_naive_utc)]
Order = Annotated[StrictInt | None, Field(ge=-INT64_MAX, le=INT64_MAX)]
Completed = Annotated[StrictBool, BeforeValidator(not_null)]
PriorityField = Annotated[Priority, BeforeValidator(not_null)]


def hide_null_defaults(schema: dict[str, Any]) -> None:
    """Fields that may be left out but not sent as null have no default to document."""
    for name in ("title", "completed", "priority", "tags"):
        schema["properties"][name].pop("default", None)


class TaskPatch(BaseModel):
    """PATCH: only the fields sent change. `null` clears description, due_date and order."""

    model_config = ConfigDict(json_schema_extra=hide_null_defaults)

    title: Title = None  # type: ignore[assignment]  # absent is fine, null is not
    description: Description = None
    completed: Completed = None  # type: ignore[assignment]
    priority: PriorityField = None  # type: ignore[assignment]
    due_date: DueDate = None
    tags: Tags = None  # type: ignore[assignment]
    order: Order = None


class TaskReplace(TaskPatch):
    """PUT: `title` is required; the other fields not sent keep their value."""

    title: Title


class TaskCreate(TaskReplace):
    """POST: `title` is required; the other fields not sent take their defaults."""


class UserOut(BaseModel):
    id: str
    email: str | None
    name: str | None
    created_at: dt.datetime


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int = Field(description="seconds")
    user: UserOut


class TaskOut(BaseModel):
    id: int
    user_id: str
    title: str
    description: str | None
    completed: bool
    completed_at: dt.datetime | None
    priority: Priority
    due_date: dt.datetime | None
    tags: list[str]
    order: int | None
    url: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ErrorOut(BaseModel):
    detail: str
    code: str


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    detail: list[ValidationErrorItem]
    code: Literal["validation_error"]
