"""Who is calling over CalDAV: HTTP Basic with the account's email and a personal access token
as the password (an app password, as task apps ask for one), or a bearer token.

The account's own password is never accepted here: a task app keeps what it is given, so it
gets a token that can be revoked alone and limited to reading.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request

from domain.access_tokens import PREFIX as PERSONAL_PREFIX
from domain.access_tokens import app_password_principal, digest, record_use
from domain.errors import Unauthenticated
from domain.principal import Principal
from runtime import calls
from runtime.auth import verify_bearer
from runtime.headers import header
from runtime.request_context import note_user


async def authenticate(request: Request) -> Principal:
    scheme, _, credentials = (header(request, b"authorization") or "").partition(" ")
    if scheme.lower() == "bearer":
        principal = await verify_bearer(request)
    elif scheme.lower() == "basic":
        principal = await basic(request, credentials.strip())
    else:
        raise Unauthenticated("Sign in with your email and an app password (a personal access token)")
    note_user(principal.subject)
    return principal


async def basic(request: Request, credentials: str) -> Principal:
    try:
        decoded = base64.b64decode(credentials, validate=True)
    except (binascii.Error, ValueError):
        raise Unauthenticated("Malformed Basic credentials") from None
    email, colon, password = decode(decoded).partition(":")
    if not colon or not password.startswith(PERSONAL_PREFIX):
        raise Unauthenticated("Use a personal access token (an app password) as the password")
    principal, stale = await calls.read_now(request, app_password_principal, email, digest(password))
    if stale and principal.personal_token_hash is not None:
        await calls.write(request, record_use, principal.personal_token_hash)
    return principal


def decode(raw: bytes) -> str:
    """UTF-8 as RFC 7617 says clients should send; Latin-1 (every byte a character) else."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
