from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import Password
from domain.principal import ACCOUNT
from domain.users import account_with_password, store_password
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import no_content
from handlers.http.validation import parse_body
from runtime import calls
from runtime.login_throttle import confirm_password
from runtime.services import services_of


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: Password


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/auth/password",),
    summary="Change the password; every token issued before stops working",
    operation_id="change_password",
    tag="auth",
    scope=ACCOUNT,
    status=204,
    body=PasswordChangeIn,
    errors=(400, 403, 413, 415, 422, 429),
    description="403 when the current password is wrong or the account has no password here.",
)


async def handle(request: Request) -> Response:
    services = services_of(request)
    principal = await authenticate(request, ENDPOINT.scope)
    change = await parse_body(request, PasswordChangeIn, services.settings.max_body_bytes)
    user = await calls.read(request, account_with_password, principal)
    await confirm_password(request, user, change.current_password, "Current password is incorrect")
    new_hash = await services.passwords.hash(change.new_password)
    await calls.write(request, store_password, principal, new_hash)
    return no_content()
