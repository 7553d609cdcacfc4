from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.users import current_user
from handlers.http.auth import authenticate
from handlers.http.endpoint import Endpoint
from handlers.http.responses import json_response
from handlers.http.shapes import UserOut
from handlers.http.users import user_json
from runtime import calls

ENDPOINT = Endpoint(
    method="GET",
    paths=("/api/auth/me",),
    summary="The current user",
    operation_id="me",
    tag="auth",
    response=UserOut,
)


async def handle(request: Request) -> Response:
    principal = await authenticate(request)
    user = await calls.read_now(request, current_user, principal)
    return json_response(user_json(user))
