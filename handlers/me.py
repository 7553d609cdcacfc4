from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate
from handlers.common.crud.users import current_user
from handlers.common.endpoint import Endpoint
from handlers.common.responses import json_response
from handlers.common.schemas import UserOut
from handlers.common.users import user_json

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
    user = await db.read(request, current_user, principal)
    return json_response(user_json(user))
