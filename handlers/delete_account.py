from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.users import current_user, delete_account
from handlers.common.endpoint import Endpoint
from handlers.common.responses import no_content
from handlers.common.services import services_of
from handlers.common.throttle import confirm_password
from handlers.common.tokens import ACCOUNT
from handlers.common.validation import read_json, validate


class AccountDeletionIn(BaseModel):
    password: str = Field(max_length=1024)


ENDPOINT = Endpoint(
    method="DELETE",
    paths=("/api/auth/me",),
    summary="Delete the account and all its tasks",
    operation_id="delete_account",
    tag="auth",
    scope=ACCOUNT,
    status=204,
    body=AccountDeletionIn,
    errors=(400, 403, 413, 415, 422, 429),
    description=(
        "The password is required for an account that has one here; an account known only from "
        "another issuer's tokens (which has no password here) may leave the body out."
    ),
)


async def handle(request: Request) -> Response:
    services = services_of(request)
    principal = await authenticate(request, ENDPOINT.scope)
    data = await read_json(request, services.settings.max_body_bytes, required=False)
    user = await db.read(request, current_user, principal)
    if user.password_hash is not None:
        confirmation = validate(AccountDeletionIn, data, "body")
        await confirm_password(request, user, confirmation.password, "Password is incorrect")
    await db.write(request, delete_account, principal)
    return no_content()
