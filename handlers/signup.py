from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import Email, Name, Password
from domain.users import create_account
from handlers.http.endpoint import Endpoint
from handlers.http.shapes import TokenOut
from handlers.http.users import token_response
from handlers.http.validation import parse_body
from runtime import calls
from runtime.services import services_of


class SignupIn(BaseModel):
    email: Email
    password: Password
    name: Name = None


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/auth/signup",),
    summary="Create an account and get a token",
    operation_id="signup",
    tag="auth",
    status=201,
    response=TokenOut,
    body=SignupIn,
    errors=(400, 409, 413, 415, 422),
    auth=False,
)


async def handle(request: Request) -> Response:
    services = services_of(request)
    form = await parse_body(request, SignupIn, services.settings.max_body_bytes)
    password_hash = await services.passwords.hash(form.password)
    user = await calls.write(request, create_account, form.email, form.name, password_hash)
    return token_response(services.tokens, user, status=201)
