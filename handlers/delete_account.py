from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.principal import ACCOUNT
from domain.users import current_user, delete_account
from domain.validation import validate
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import no_content
from handlers.http.validation import read_json
from runtime import calls
from runtime.login_throttle import confirm_password
from runtime.services import services_of


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
    user = await calls.read(request, current_user, principal)
    if user.password_hash is not None:
        confirmation = validate(AccountDeletionIn, data, "body")
        await confirm_password(request, user, confirmation.password, "Password is incorrect")
    await calls.write(request, delete_account, principal)
    return no_content()
