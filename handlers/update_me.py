from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import Name, TimeZoneName
from domain.principal import TASKS_WRITE
from domain.users import update_profile
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.shapes import UserOut
from handlers.http.users import user_json
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of


class ProfilePatch(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(
        json_schema_extra=lambda schema: schema["properties"]["time_zone"].pop("default")
    )

    name: Name = None
    time_zone: TimeZoneName = Field(
        default=None,  # type: ignore[assignment]  # absent is fine, null is not
        description="the IANA zone new tasks take unless they name their own",
    )


ENDPOINT = Endpoint(
    method="PATCH",
    paths=("/api/auth/me",),
    summary="Change the current user's name or time zone",
    operation_id="update_me",
    tag="auth",
    # The time zone is the one new (and recurring) tasks take: a change of what tasks do.
    scope=TASKS_WRITE,
    response=UserOut,
    body=ProfilePatch,
    errors=(400, 403, 413, 415, 422),
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request, ENDPOINT.scope)
    fields = await parse_body(request, ProfilePatch, services_of(request).settings.max_body_bytes)
    sent = {name: getattr(fields, name) for name in fields.model_fields_set}
    user = await calls.write(request, update_profile, principal, sent)
    return json_response(user_json(user))
