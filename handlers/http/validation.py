"""Reading request bodies and query strings into validated models, with the contract's errors."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import ClientDisconnect, Request

from domain.validation import ModelT, validate
from handlers.http.errors import ApiError

JSON_MEDIA_TYPES = ("application/json",)


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body; 413 as soon as it is known to exceed `limit`, before reading the rest."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "Invalid Content-Length header")
        if int(declared) > limit:
            raise ApiError(413, f"Request body is larger than {limit} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"Request body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "Request body ended early") from None
    return b"".join(chunks)


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
        return json.loads(text, object_pairs_hook=reject_duplicate_keys, parse_constant=reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"Malformed JSON: {exc}") from None


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
