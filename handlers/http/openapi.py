"""The OpenAPI 3.1 document, generated from the endpoints' own metadata."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from domain.principal import ACCOUNT
from handlers.http.endpoint import Endpoint
from handlers.http.errors import CODES_BY_STATUS
from handlers.http.shapes import ErrorOut, ValidationErrorOut

REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or unreadable body",
    401: "Missing, invalid or expired token",
    403: "The path's user is not the token's user, or the token lacks the scope (insufficient_scope)",
    404: "No such resource, or not yours",
    405: "Method not allowed",
    409: "Conflict: the email is registered, or a request with this Idempotency-Key still runs",
    410: "The cursor is older than CHANGES_RETENTION_DAYS: sync again from nothing",
    412: "If-Match names no current version: nothing changed (the ETag header is the current one)",
    413: "Body larger than MAX_BODY_BYTES (an import's: IMPORT_MAX_BYTES)",
    415: "Body is not JSON (an import's: in none of the formats it reads)",
    422: "Validation error",
    424: "Depends on an operation that failed",
    429: "Too many attempts",
    503: "Database unreachable",
}


# Either scheme authorizes every route: a bearer token pasted in, or one that the OAuth2 password
# flow gets from the login route (the Authorize button of /docs, with email and password).
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "passwordLogin": {
        "type": "oauth2",
        "description": "Log in with your email (as the username) and password.",
        "flows": {"password": {"tokenUrl": "/api/auth/login", "scopes": {}}},
    },
}


def build_document(endpoints: tuple[Endpoint, ...], version: str) -> dict[str, Any]:
    schemas = component_schemas(endpoints)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        for path in endpoint.paths:
            paths.setdefault(path, {})[endpoint.method.lower()] = operation(endpoint, path)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "todo-api",
            "version": version,
            "description": "A Todo backend: accounts, bearer tokens and tasks.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def models_of(endpoint: Endpoint) -> list[type[BaseModel]]:
    candidates = [
        endpoint.body,
        endpoint.form,
        endpoint.query,
        *get_args(endpoint.response),
        endpoint.response,
    ]
    return [model for model in candidates if isinstance(model, type) and issubclass(model, BaseModel)]


def component_schemas(endpoints: tuple[Endpoint, ...]) -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorOut, ValidationErrorOut}
    for endpoint in endpoints:
        models.update(models_of(endpoint))
    inputs = {e.body for e in endpoints} | {e.form for e in endpoints} | {e.query for e in endpoints}
    pairs: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "validation" if model in inputs else "serialization") for model in models
    ]
    _, top = models_json_schema(sorted(pairs, key=lambda pair: pair[0].__name__), ref_template=REF_TEMPLATE)
    definitions: dict[str, Any] = top.get("$defs", {})
    return definitions


def ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def response_schema(response: Any) -> dict[str, Any]:
    if get_origin(response) is list:
        return {"type": "array", "items": ref(get_args(response)[0])}
    return ref(response)


def operation(endpoint: Endpoint, path: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": endpoint.operation_id + ("_for_user" if "{user_id}" in path else ""),
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "responses": responses(endpoint),
    }
    if description := " ".join(filter(None, [endpoint.description, scope_note(endpoint.scope)])):
        spec["description"] = description
    parameters = path_parameters(path) + query_parameters(endpoint) + header_parameters(endpoint)
    if parameters:
        spec["parameters"] = parameters
    if endpoint.body is not None:
        content: dict[str, Any] = {"application/json": {"schema": ref(endpoint.body)}}
        if endpoint.form is not None:
            content["application/x-www-form-urlencoded"] = {"schema": ref(endpoint.form)}
        for media_type in endpoint.file_types:
            content[media_type] = {"schema": {"type": "string", "format": "binary", "minLength": 1}}
        spec["requestBody"] = {"required": endpoint.body_required, "content": content}
    if endpoint.auth:
        spec["security"] = [{name: []} for name in SECURITY_SCHEMES]
    return spec


def responses(endpoint: Endpoint) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Success"}
    if endpoint.response is not None:
        success["content"] = {endpoint.media_type: {"schema": response_schema(endpoint.response)}}
    if endpoint.response_headers:
        success["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in endpoint.response_headers.items()
        }
    result = {str(endpoint.status): success}
    if endpoint.conditional == "if-none-match":
        result["304"] = {
            "description": "Not modified: If-None-Match names the current version (no body)",
            "headers": {"ETag": {"description": "the current version", "schema": {"type": "string"}}},
        }
    statuses = (
        set(endpoint.errors) | ({401} if endpoint.auth else set()) | ({403} if endpoint.scope else set())
    )
    if endpoint.takes_idempotency_key:
        statuses |= {409, 422}
    for status in sorted(statuses):
        model = ValidationErrorOut if status == 422 else ErrorOut
        result[str(status)] = {
            "description": f"{ERROR_DESCRIPTIONS[status]} (code: {CODES_BY_STATUS[status]})",
            "content": {"application/json": {"schema": ref(model)}},
        }
    return result


def path_parameters(path: str) -> list[dict[str, Any]]:
    parameters = []
    if "{user_id}" in path:
        parameters.append(
            {
                "name": "user_id",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "description": "Must be the token's subject",
            }
        )
    for name in ("task_id", "list_id", "token_id", "webhook_id", "connection_id"):
        if f"{{{name}}}" in path:
            parameters.append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                }
            )
    return parameters


CONDITIONAL_HEADERS = {
    "if-match": (
        "If-Match",
        "Change only the version named: one ETag, a list, or *; otherwise 412 and nothing changes",
    ),
    "if-none-match": ("If-None-Match", "304 when one of these ETags (or *) is the current version"),
}


def scope_note(scope: str | None) -> str:
    if scope is None:
        return ""
    if scope == ACCOUNT:
        return "Needs a login token (a personal access token gets 403 insufficient_scope)."
    return f"A personal access token needs the `{scope}` scope (else 403 insufficient_scope)."


def header_parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    """The conditional header the operation honours, and Idempotency-Key where it applies."""
    parameters = []
    if endpoint.conditional is not None:
        name, description = CONDITIONAL_HEADERS[endpoint.conditional]
        parameters.append(
            {
                "name": name,
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": description,
            }
        )
    if endpoint.takes_idempotency_key:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "pattern": "^[\\x20-\\x7e]{1,255}$"},
                "description": (
                    "A retry with the same key, method, path and body gets the first answer again "
                    "(Idempotent-Replayed: true) instead of running twice; 422 with another request, "
                    "409 while the first still runs"
                ),
            }
        )
    return parameters


def query_parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    if endpoint.query is None:
        return []
    schema = endpoint.query.model_json_schema(ref_template=REF_TEMPLATE)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": field_schema}
        for name, field_schema in schema["properties"].items()
    ]
