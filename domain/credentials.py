"""Whether the credentials behind principals verified earlier still stand (inside a database
call): what an open event stream asks again and again, and a ticket when it is redeemed.

It is REST's rule, made of the functions each request applies (`crud.tokens.token_stands`,
`crud.users.version_refusal`, `tokens.expired`), asked for many principals in two reads: the
users' rows, the personal tokens' rows. So it holds on every worker and replica alike.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection

from domain.access_tokens import REVOKED, token_stands
from domain.principal import Principal, expired
from domain.users import GONE, version_refusal
from models import AccessToken, utc_now
from models.queries import personal_tokens, users_versions


def refusals(principals: Collection[Principal]) -> dict[Principal, str]:
    """Of `principals`, those whose credential no longer stands, each with the reason REST's 401
    would give: a personal token revoked or expired, a token issued before a password change,
    a deleted user, an expired JWT."""
    users = users_versions(principal.subject for principal in principals)
    tokens = personal_tokens(
        principal.personal_token_hash for principal in principals if principal.personal_token_hash
    )
    now, now_utc = time.time(), utc_now()
    found = {}
    for principal in principals:
        token_version = users[principal.subject][1] if principal.subject in users else None
        refusal = refusal_of(principal, token_version, tokens, now, now_utc)
        if refusal is not None:
            found[principal] = refusal
    return found


def refusal_of(
    principal: Principal,
    token_version: int | None,
    tokens: dict[str, AccessToken],
    now: float,
    now_utc: dt.datetime,
) -> str | None:
    """Why the principal's credential no longer stands, given its user's token version (None:
    the user is gone) and the personal tokens' rows found; None while it stands."""
    token_hash = principal.personal_token_hash
    if token_hash is not None and not token_stands(tokens.get(token_hash), now_utc):
        return REVOKED
    if token_version is None:
        return GONE
    if expired(principal.expires_at, now):
        return "Token has expired"
    return version_refusal(principal, token_version)
