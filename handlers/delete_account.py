from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from handlers.common import db
from handlers.common.auth import authenticate, current_user
from handlers.common.endpoint import Endpoint
from handlers.common.responses import no_content
from handlers.common.services import services_of
from handlers.common.tasks import tasks_changed
from handlers.common.throttle import confirm_password
from handlers.common.tokens import Principal
from handlers.common.validation import read_json, validate
from models import DeletedUser, Task, User, utc_now


class AccountDeletionIn(BaseModel):
    password: str = Field(max_length=1024)


ENDPOINT = Endpoint(
    method="DELETE",
    paths=("/api/auth/me",),
    summary="Delete the account and all its tasks",
    operation_id="delete_account",
    tag="auth",
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
    principal = await authenticate(request)
    data = await read_json(request, services.settings.max_body_bytes, required=False)
    user = await db.read(request, current_user, principal)
    if user.password_hash is not None:
        confirmation = validate(AccountDeletionIn, data, "body")
        await confirm_password(request, user, confirmation.password, "Password is incorrect")
    await db.write(request, delete_user, principal)
    return no_content()


def delete_user(principal: Principal) -> None:
    """The user row, their tasks and the tasks' tags (by the foreign keys' cascade), and a note
    of the deletion, so the user's older tokens cannot bring the account back."""
    user = current_user(principal)
    tasks_changed(user.id)  # locks the user's row first, in the same order as every task write
    Task.delete().where(Task.user == user.id).execute()
    User.delete().where(User.id == user.id).execute()
    DeletedUser.delete().where(DeletedUser.id == user.id).execute()
    DeletedUser.create(id=user.id, deleted_at=utc_now())
