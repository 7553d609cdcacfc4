"""The field rules every input shares (titles, tags, dates, emails, passwords, recurrence,
reminders...): checked in Python, and said the same way as JSON Schema patterns for the OpenAPI
document and the MCP tools' input schemas."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
)
from pydantic import Tag as PydanticTag

from domain.recurrence import clean_rule, clean_time_zone
from domain.reminder_specs import DURATION_PATTERN, MAX_REMINDERS, clean_before

INT64_MAX = 2**63 - 1
Priority = Literal["low", "medium", "high"]

# The rules below are checked in Python; these patterns say the same in the OpenAPI document
# (tests/api/test_openapi.py checks that both agree). Cc is every Unicode control character.
CC = "\\u0000-\\u001f\\u007f-\\u009f"
# What JSON Schema's `\s` matches (ECMA-262's white space and line terminators), spelled out:
# Python's `\s` and `str.strip()` also take \x1c-\x1f and \x85, control characters to the schema.
WHITESPACE = "".join(
    ["\t\n\x0b\x0c\r \xa0\u1680", *map(chr, range(0x2000, 0x200B)), "\u2028\u2029\u202f\u205f\u3000\ufeff"]
)
WS = "".join(f"\\u{ord(ch):04x}" for ch in WHITESPACE)  # the same, inside a pattern's [...]
EMAIL_ADDRESS = (
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
EMAIL_PATTERN = rf"^[{WS}]*{EMAIL_ADDRESS}[{WS}]*$"
NO_CONTROL_PATTERN = f"^[^{CC}]*$"
DESCRIPTION_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def trimmed_text_pattern(max_length: int) -> str:
    """1 to `max_length` characters without control characters, once surrounding whitespace is trimmed."""
    return rf"^[{WS}]*[^{WS}{CC}](?:[^{CC}]{{0,{max_length - 2}}}[^{WS}{CC}])?[{WS}]*$"


TITLE_PATTERN = trimmed_text_pattern(200)
TAG_PATTERN = trimmed_text_pattern(30)


def trim(text: str) -> str:
    """`text` without the white space around it, as the schemas' patterns say white space."""
    return text.strip(WHITESPACE)


CONTROL = re.compile(f"[{CC}]")  # Unicode's Cc: U+0000-U+001F and U+007F-U+009F, no other


def control_characters(text: str, allowed: str = "") -> bool:
    return any(ch not in allowed for ch in CONTROL.findall(text))


def clean_email(value: str) -> str:
    email = trim(value)
    if len(value) > 254 or not re.fullmatch(EMAIL_ADDRESS, email):
        raise ValueError("not a valid email address")
    return email.lower()


def check_password(value: str) -> str:
    size = len(value.encode("utf-8"))
    if not 8 <= size <= 72:
        raise ValueError("must be 8 to 72 bytes long (as UTF-8)")
    return value


def clean_name(value: str | None) -> str | None:
    if value is None:
        return None
    if control_characters(value):
        raise ValueError("must not contain control characters")
    return trim(value) or None


def trimmed_text(value: str, max_length: int, what: str) -> str:
    text = trim(value)
    if not 1 <= len(text) <= max_length:
        raise ValueError(f"{what} must be 1 to {max_length} characters after trimming")
    if control_characters(text):
        raise ValueError(f"{what} must not contain control characters")
    return text


def clean_title(value: str) -> str:
    return trimmed_text(value, 200, "title")


def clean_tag(value: str) -> str:
    """Checked as sent, then lower-cased (which can lengthen a few letters, such as İ)."""
    return trimmed_text(value, 30, "each tag").lower()


def clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > 1000:
        raise ValueError("must be at most 1000 characters")
    if control_characters(value, allowed="\n\r\t"):
        raise ValueError("must not contain control characters other than newlines and tabs")
    return value


def unique_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


def parse_iso_datetime(value: object) -> object:
    """Only ISO 8601 strings (no Unix timestamps: `0` is not a date the client meant)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-12-01T18:00:00Z") from None


def integral(value: object) -> object:
    """JSON Schema counts 3.0 as an integer; so do we (but not 3.5, and never true/false)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Aware datetimes are converted to UTC; naive ones are taken as UTC."""
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


def to_naive_utc_bound(value: dt.datetime | None) -> dt.datetime | None:
    """A filter's bound, as `to_naive_utc`; one past what UTC can hold (0001-01-01T00:00+01:00,
    9999-12-31T23:59-01:00) becomes the first or last datetime, which the list takes as
    "every due date" (list_tasks.due_condition)."""
    try:
        return to_naive_utc(value)
    except ValueError:  # only an aware datetime can fall outside
        return dt.datetime.min if value.utcoffset() > dt.timedelta(0) else dt.datetime.max  # type: ignore[union-attr,operator]


def not_null(value: object) -> object:
    if value is None:
        raise ValueError("may not be null")
    return value


Email = Annotated[
    str,
    Field(max_length=320, json_schema_extra={"pattern": EMAIL_PATTERN, "maxLength": 254}),
    AfterValidator(clean_email),
]
Password = Annotated[
    str,
    Field(
        json_schema_extra={"format": "password", "minLength": 2, "maxLength": 72},
        description="8 to 72 bytes as UTF-8 (bcrypt's limit; JSON Schema counts characters: 2 to 72)",
    ),
    AfterValidator(check_password),
]
Name = Annotated[
    str | None,
    Field(max_length=100, json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
    AfterValidator(clean_name),
]
Title = Annotated[
    str,
    BeforeValidator(not_null),
    Field(json_schema_extra={"pattern": TITLE_PATTERN}),
    AfterValidator(clean_title),
]
Description = Annotated[
    str | None,
    Field(json_schema_extra={"pattern": DESCRIPTION_PATTERN, "maxLength": 1000}),
    AfterValidator(clean_description),
]
Tag = Annotated[str, Field(json_schema_extra={"pattern": TAG_PATTERN}), AfterValidator(clean_tag)]
Tags = Annotated[list[Tag], BeforeValidator(not_null), Field(max_length=10), AfterValidator(unique_tags)]
DueDate = Annotated[dt.datetime | None, BeforeValidator(parse_iso_datetime), AfterValidator(to_naive_utc)]
DueBound = Annotated[
    dt.datetime | None, BeforeValidator(parse_iso_datetime), AfterValidator(to_naive_utc_bound)
]
EntityId = Annotated[StrictInt, Field(ge=1, le=INT64_MAX), BeforeValidator(integral)]  # a task's or list's
QueryId = Annotated[int, Field(ge=1, le=INT64_MAX)]  # the same in a query string (text)
Order = Annotated[StrictInt, Field(ge=-INT64_MAX, le=INT64_MAX), BeforeValidator(integral)] | None
Completed = Annotated[StrictBool, BeforeValidator(not_null)]
PriorityField = Annotated[Priority, BeforeValidator(not_null)]


def hide_null_defaults(schema: dict[str, Any]) -> None:
    """Fields that may be left out but not sent as null have no default to document."""
    for name in ("title", "completed", "priority", "tags", "list_id", "time_zone", "reminders"):
        schema["properties"][name].pop("default", None)


Recurrence = Annotated[
    str | None,
    Field(
        max_length=506,
        json_schema_extra={"pattern": "^(?:[Rr][Rr][Uu][Ll][Ee]:)?[A-Za-z0-9=;,+-]+$"},
        description="an RFC 5545 RRULE value, e.g. FREQ=WEEKLY;BYDAY=MO,WE (needs a due_date); null: none",
    ),
    AfterValidator(clean_rule),
]
TimeZoneName = Annotated[
    str,
    BeforeValidator(not_null),
    Field(
        max_length=64, json_schema_extra={"pattern": "^[A-Za-z0-9_+/-]+$"}, description="an IANA time zone"
    ),
    AfterValidator(clean_time_zone),
]


class AtReminder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: Annotated[dt.datetime, BeforeValidator(parse_iso_datetime), AfterValidator(to_naive_utc)] = Field(
        description="when it fires (ISO 8601)"
    )

    def shown(self) -> dict[str, str]:
        return {"at": self.at.isoformat() + "Z"}


class BeforeReminder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    before: Annotated[
        str,
        Field(
            json_schema_extra={"pattern": DURATION_PATTERN},
            description="how long before due_date: PT15M, P1D (at most P30D)",
        ),
        AfterValidator(clean_before),
    ]

    def shown(self) -> dict[str, str]:
        return {"before": self.before}


def reminder_kind(value: object) -> str:
    """Which of the two a reminder is: errors then speak of that one only."""
    if isinstance(value, (BeforeReminder, AtReminder)):
        return "before" if isinstance(value, BeforeReminder) else "at"
    return "before" if isinstance(value, dict) and "before" in value else "at"


Reminder = Annotated[
    Annotated[AtReminder, PydanticTag("at")] | Annotated[BeforeReminder, PydanticTag("before")],
    Discriminator(reminder_kind),
]
Reminders = Annotated[list[Reminder], BeforeValidator(not_null), Field(max_length=MAX_REMINDERS)]


def no_control_characters(value: str | None) -> str | None:
    if value is not None and control_characters(value):
        raise ValueError("must not contain control characters")
    return value


SearchText = Annotated[
    str | None,
    Field(max_length=200, json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
    AfterValidator(no_control_characters),
]


SortKey = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "due_date",
    "-due_date",
    "priority",
    "-priority",
    "title",
    "-title",
    "order",
    "-order",
    "position",
    "-position",
]
