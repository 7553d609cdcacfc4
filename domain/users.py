"""Accounts: the caller's user row, signing up, passwords, deletion (inside a database call)."""

from __future__ import annotations

import datetime as dt

import peewee

from domain.errors import Conflict, Forbidden, Unauthenticated
from domain.principal import Principal
from domain.unit_of_work import require_write
from models import AccessToken, DeletedUser, OAuthCode, OAuthConnection, Task, User, utc_now
from models.queries import user_by_id

GONE = "User no longer exists"


def current_user(principal: Principal, *, for_update: bool = False) -> User:
    """The user row; `for_update` locks it, which every change of the user's data does first,
    so the changes of one user queue there, in one order, on every database.

    A subject first seen in another issuer's token gets a row; a deleted user, or a token
    issued before the user's last password change, is 401.
    """
    user = user_by_id(principal.subject, for_update=for_update)
    if user is None:
        known_here = principal.version is not None or principal.personal_token_hash is not None
        if known_here or deleted_since(principal):
            raise Unauthenticated(GONE)
        require_write()
        create_external_user(principal)
        user = user_by_id(principal.subject, for_update=for_update)
        if user is None:
            raise Unauthenticated("Invalid token")
    if (refusal := version_refusal(principal, user.token_version)) is not None:
        raise Unauthenticated(refusal)
    return user


def version_refusal(principal: Principal, token_version: int) -> str | None:
    """Why a token of this service no longer stands for a user whose token version is now
    `token_version` (a password change raises it), or None while it does."""
    if principal.version is not None and principal.version != token_version:
        return "Token was revoked by a password change"
    return None


def time_zone_of(principal: Principal) -> str:
    """The IANA zone the caller's new tasks take unless they name their own."""
    return current_user(principal).time_zone


def deleted_since(principal: Principal) -> bool:
    """The account was deleted after this token was issued (or the token does not say when)."""
    deleted = DeletedUser.get_or_none(DeletedUser.id == principal.subject)
    if deleted is None:
        return False
    deleted_at = deleted.deleted_at.replace(tzinfo=dt.UTC).timestamp()
    return principal.issued_at is None or principal.issued_at <= deleted_at


def create_external_user(principal: Principal) -> None:
    """Insert-or-ignore, so two first requests at once both succeed; the email is kept only
    when no other account here has it."""
    for email in (principal.email, None):
        row = {
            "id": principal.subject,
            "email": email,
            "name": principal.name,
            "created_at": utc_now(),
        }
        User.insert(row).on_conflict_ignore().execute()
        if User.select().where(User.id == principal.subject).exists():
            return


def create_account(email: str, name: str | None, password_hash: str) -> User:
    """A new account; Conflict when the email is taken, whatever its case."""
    if User.select().where(User.email == email).exists():
        raise Conflict("Email already registered")
    try:
        return User.create(email=email, name=name, password_hash=password_hash, created_at=utc_now())
    except peewee.IntegrityError:  # the same address signed up a moment ago
        raise Conflict("Email already registered") from None


def update_profile(principal: Principal, fields: dict[str, str | None]) -> User:
    """Set the fields sent (`name`, `time_zone`) on the caller's user."""
    user = current_user(principal, for_update=True)
    if fields:
        User.update({getattr(User, name): value for name, value in fields.items()}).where(
            User.id == user.id
        ).execute()
        for name, value in fields.items():
            setattr(user, name, value)
    return user


def account_with_password(principal: Principal) -> User:
    """The caller's account; Forbidden when it has no password here (known from another issuer)."""
    user = current_user(principal)
    if user.password_hash is None:
        raise Forbidden("This account has no password here: change it where you signed up")
    return user


def store_password(principal: Principal, password_hash: str) -> None:
    """The new hash, and a new token version: tokens issued before are refused from now on, the
    personal access tokens are revoked, and every OAuth connection (with its tokens) and code."""
    user = current_user(principal)
    User.update(password_hash=password_hash, token_version=User.token_version + 1).where(
        User.id == user.id
    ).execute()
    AccessToken.delete().where(AccessToken.user == user.id).execute()  # personal tokens too
    OAuthConnection.delete().where(OAuthConnection.user == user.id).execute()
    OAuthCode.delete().where(OAuthCode.user == user.id).execute()


def delete_account(principal: Principal) -> None:
    """The user row, their tasks and the tasks' tags (by the foreign keys' cascade), and a note
    of the deletion, so the user's older tokens cannot bring the account back."""
    user = current_user(principal, for_update=True)  # first, as every change of the user's data
    Task.delete().where(Task.user == user.id).execute()
    User.delete().where(User.id == user.id).execute()
    DeletedUser.delete().where(DeletedUser.id == user.id).execute()
    DeletedUser.create(id=user.id, deleted_at=utc_now())
