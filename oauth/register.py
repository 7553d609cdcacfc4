"""POST /register: dynamic client registration (RFC 7591). 201 with the registered client (and
a confidential client's secret, shown this once); 400 `invalid_redirect_uri` or
`invalid_client_metadata`; 429 past the registrations one address may make in an hour.

The answer is written here rather than as the SDK's OAuthClientInformationFull, whose URL type
would give back the redirect URIs rewritten (`https://a.example` as `https://a.example/`):
they are compared as strings when the client uses them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.errors import Invalid, OAuthRefusal
from domain.oauth_clients import GRANT_TYPES, ClientMetadata, checked, register_client
from domain.principal import TASK_SCOPES
from domain.validation import validate
from models import OAuthClient, utc_now
from oauth.answers import NO_STORE
from oauth.forms import body
from runtime import calls
from runtime.login_throttle import client_address


async def handle(request: Request) -> Response:
    metadata = await read_metadata(request)
    client, secret = await calls.write(request, register_client, metadata, client_address(request), utc_now())
    return JSONResponse(registered(client, metadata, secret), 201, NO_STORE)


async def read_metadata(request: Request) -> ClientMetadata:
    """The request's client metadata; OAuthRefusal naming the first problem."""
    try:
        data = json.loads(await body(request, "invalid_client_metadata"))
    except (UnicodeDecodeError, ValueError):
        raise OAuthRefusal(
            "invalid_client_metadata", "The registration request must be a JSON object"
        ) from None
    try:
        return checked(validate(ClientMetadata, data, "body"))
    except Invalid as invalid:
        raise refusal_of(invalid) from None


def refusal_of(invalid: Invalid) -> OAuthRefusal:
    """RFC 7591 3.2.2's code for the first problem: invalid_redirect_uri when it is one."""
    problem = invalid.problems[0]
    field = ".".join(str(part) for part in problem["loc"][1:]) or "body"
    error = "invalid_redirect_uri" if problem["type"] == "redirect_uri" else "invalid_client_metadata"
    return OAuthRefusal(error, f"{field}: {problem['msg']}")


def registered(client: OAuthClient, metadata: ClientMetadata, secret: str | None) -> dict[str, Any]:
    """RFC 7591 3.2.1's answer: the client as registered, with the grant types and scopes the
    service gives every client."""
    answer: dict[str, Any] = {
        "client_id": client.client_id,
        "client_id_issued_at": int(client.created_at.replace(tzinfo=dt.UTC).timestamp()),
        "redirect_uris": metadata.redirect_uris,
        "token_endpoint_auth_method": metadata.token_endpoint_auth_method,
        "grant_types": list(GRANT_TYPES),
        "response_types": ["code"],
        "scope": " ".join(TASK_SCOPES),
    }
    if metadata.client_name is not None:
        answer["client_name"] = metadata.client_name
    if secret is not None:
        answer |= {"client_secret": secret, "client_secret_expires_at": 0}  # 0: it never expires
    return answer
