"""Reading request bodies and query strings into validated models, with the contract's errors."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from domain.validation import ModelT, validate
from handlers.http.errors import ApiError
from runtime.request_body import BodyRefused, read_limited

JSON_MEDIA_TYPES = ("application/json",)
# JSON may escape half of a UTF-16 surrogate pair alone ("\ud800"): json.loads makes it a str
# that no encoder takes (UTF-8 for a database or an answer), so it never gets past the body.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body; 413 as soon as it is known to exceed `limit`, before reading the rest."""
    try:
        return await read_limited(request, limit)
    except BodyRefused as refused:
        raise ApiError(refused.status, refused.message) from None


def is_json_media_type(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in JSON_MEDIA_TYPES or media_type.endswith("+json")


def decode_json(body: bytes) -> Any:
    """Strict JSON: valid UTF-8, no duplicate keys, no NaN, nesting within Python's limits."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "Request body is not valid UTF-8") from None
    try:
        data = json.loads(text, object_pairs_hook=reject_duplicate_keys, parse_constant=reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"Malformed JSON: {exc}") from None
    if SURROGATE_ESCAPE.search(text):  # only then can a string hold one
        refuse_lone_surrogates(data, ["body"])
    return data


def refuse_lone_surrogates(value: Any, loc: list[str | int]) -> None:
    """A 422 naming the first string (or key) under `value` that holds a lone surrogate."""
    if isinstance(value, str):
        if found := SURROGATE.search(value):
            msg = f"Input should be valid Unicode text: \\u{ord(found.group()):04x} alone is not a character"
            raise ApiError(422, [{"loc": loc, "msg": msg, "type": "string_unicode"}])
    elif isinstance(value, dict):
        for key, item in value.items():
            # The key as its JSON escape would write it: an answer cannot hold the surrogate.
            shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
            refuse_lone_surrogates(key, [*loc, shown])
            refuse_lone_surrogates(item, [*loc, shown])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_lone_surrogates(item, [*loc, index])


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key in object")
    return result


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: Request, limit: int, *, required: bool = True) -> Any:
    """The decoded JSON body; `None` when it is empty and not `required`."""
    body = await read_body(request, limit)
    if not body.strip():
        if required:
            raise ApiError(422, [{"loc": ["body"], "msg": "Field required", "type": "missing"}])
        return None
    if not is_json_media_type(request.headers.get("content-type", "")):
        raise ApiError(415, "Request body must be JSON (Content-Type: application/json)")
    data = decode_json(body)
    if data is None and not required:  # `null` is a body, not the absence of one
        raise ApiError(422, [{"loc": ["body"], "msg": "Input should be an object", "type": "model_type"}])
    return data


async def parse_body(request: Request, model: type[ModelT], limit: int) -> ModelT:
    return validate(model, await read_json(request, limit), "body")


def parse_query(request: Request, model: type[ModelT]) -> ModelT:
    return validate(model, dict(request.query_params), "query")
