"""Input checked against its model (domain/schemas.py), refused as `Invalid` with one problem
per field: `loc` names where the door read it ("body", "query", ...)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from domain.errors import Invalid

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate(model: type[ModelT], data: Any, location: str) -> ModelT:
    """`data` as `model`, or a 422 whose `loc` starts with `location` ("body" or "query")."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(validation_details(exc, location)) from None


def validation_details(exc: ValidationError, location: str) -> list[dict[str, Any]]:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    return [
        {"loc": [location, *error["loc"]], "msg": error["msg"], "type": error["type"]} for error in errors
    ]
