from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.users import account_with_password, store_password
from handlers.common.endpoint import Endpoint
from handlers.common.responses import no_content
from handlers.common.schemas import Password
from handlers.common.services import services_of
from handlers.common.throttle import confirm_password
from handlers.common.tokens import ACCOUNT
from handlers.common.validation import parse_body


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
    user = await db.read(request, account_with_password, principal)
    await confirm_password(request, user, change.current_password, "Current password is incorrect")
    new_hash = await services.passwords.hash(change.new_password)
    await db.write(request, store_password, principal, new_hash)
    return no_content()
