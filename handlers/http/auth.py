"""Who is calling a REST operation: the verified principal, the scope its ENDPOINT needs, and
the `{user_id}` of the Phase II path shape."""

from __future__ import annotations

from starlette.requests import Request

from domain.principal import Principal, require_scope
from handlers.http.errors import ApiError
from runtime.auth import PRINCIPAL, verify_bearer
from runtime.request_context import note_user


async def authenticate(request: Request, scope: str | None = None) -> Principal:
    """The caller's principal (verified once per request): 401 without a valid bearer token,
    403 `insufficient_scope` when the token does not allow `scope` (the handler's ENDPOINT
    says which), 403 for another `{user_id}`."""
    principal: Principal | None = request.scope.get(PRINCIPAL)
    if principal is None:
        principal = request.scope[PRINCIPAL] = await verify_bearer(request)
        note_user(principal.subject)
    if scope is not None and scope not in principal.scopes:
        require_scope(principal, scope)
    path_user = request.path_params.get("user_id")
    if path_user is not None and path_user != principal.subject:
        raise ApiError(403, "The user in the path is not the token's user")
    return principal
