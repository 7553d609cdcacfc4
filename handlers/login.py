from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from pydantic import AfterValidator, BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from domain.fields import NO_CONTROL_PATTERN, no_control_characters, trim
from domain.validation import validate
from handlers.http.endpoint import Endpoint
from handlers.http.errors import ApiError
from handlers.http.shapes import TokenOut
from handlers.http.users import token_response
from handlers.http.validation import decode_json, is_json_media_type, read_body
from runtime.login_throttle import sign_in
from runtime.services import services_of

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


LoginEmail = Annotated[
    str,
    Field(max_length=320, json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
    AfterValidator(no_control_characters),
]


class LoginIn(BaseModel):
    email: LoginEmail
    password: str = Field(max_length=1024)


class LoginForm(BaseModel):
    """OAuth2 password flow, as FastAPI's OAuth2PasswordRequestForm: the email is `username`."""

    username: LoginEmail
    password: str = Field(max_length=1024)


ENDPOINT = Endpoint(
    method="POST",
    paths=("/api/auth/login",),
    summary="Log in with email and password and get a token",
    operation_id="login",
    tag="auth",
    response=TokenOut,
    body=LoginIn,
    form=LoginForm,
    errors=(400, 401, 413, 415, 422, 429),
    auth=False,
    description=(
        "Failure is one 401 whether the email exists or not. Repeated failures per account and "
        "per client address get 429 with Retry-After."
    ),
)


async def handle(request: Request) -> Response:
    services = services_of(request)
    email, password = await read_credentials(request, services.settings.max_body_bytes)
    user = await sign_in(request, email, password)
    return token_response(services.tokens, user)


async def read_credentials(request: Request, limit: int) -> tuple[str, str]:
    """(email, password) from a JSON body or an OAuth2 password-flow form."""
    body = await read_body(request, limit)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() == FORM_MEDIA_TYPE:
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise ApiError(400, "Request body is not valid UTF-8") from None
        form = validate(LoginForm, fields, "body")
        return trim(form.username).lower(), form.password
    if not body.strip():
        validate(LoginIn, None, "body")  # 422: body required
    if not is_json_media_type(content_type):
        raise ApiError(415, "Request body must be JSON or an OAuth2 password form")
    credentials = validate(LoginIn, decode_json(body), "body")
    return trim(credentials.email).lower(), credentials.password
