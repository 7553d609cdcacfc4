"""What an approval grants, inside a database call: the authorization code, redeemed once for a
connection and its first tokens; refresh tokens, rotated on each use; revocation (RFC 7009).

An access token is a personal-token row naming its connection (`tdo_`, verified by
runtime/auth.py as every personal token is); a refresh token (`tdr_`) lives in its own table
and is never a bearer token. Codes and tokens have 256 random bits; only their SHA-256 is kept.

Single use holds across workers and replicas: a code or refresh token is claimed by an UPDATE
that only a row not yet used matches, so of two redemptions at once one claims it and the other
sees the first one's connection, which is then revoked (GrantReplayed).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from domain.access_tokens import PREFIX as ACCESS_PREFIX
from domain.access_tokens import digest
from domain.authorization_requests import AuthorizationRequest
from domain.errors import GrantReplayed, OAuthRefusal
from models import AccessToken, OAuthClient, OAuthCode, OAuthConnection, OAuthRefreshToken, utc_now
from settings import Settings

REFRESH_PREFIX = "tdr_"
REFRESH_LIFETIME = dt.timedelta(days=30)
# A used or expired code is kept this long after it expired, so a late replay is recognised.
USED_CODES_KEPT = dt.timedelta(days=1)
PKCE_VERIFIER_LENGTHS = range(43, 129)  # RFC 7636 4.1


@dataclass(frozen=True)
class Lifetimes:
    code: dt.timedelta
    access_token: dt.timedelta

    @classmethod
    def of(cls, settings: Settings) -> Lifetimes:
        return cls(
            code=dt.timedelta(seconds=settings.oauth_code_seconds),
            access_token=dt.timedelta(seconds=settings.oauth_access_token_seconds),
        )


@dataclass(frozen=True)
class IssuedTokens:
    """A token answer (RFC 6749 5.1): the tokens themselves, shown in it only."""

    access_token: str
    refresh_token: str
    expires_in: int
    scopes: tuple[str, ...]


def approve(user_id: str, request: AuthorizationRequest, lifetimes: Lifetimes) -> str:
    """A code for what the user approved, to redeem within `lifetimes.code`."""
    code = secrets.token_urlsafe(32)
    OAuthCode.create(
        code_hash=digest(code),
        client=request.client.id,
        user=user_id,
        redirect_uri=request.redirect_uri,
        code_challenge=request.code_challenge,
        scopes=" ".join(request.scopes),
        expires_at=utc_now() + lifetimes.code,
    )
    return code


def redeem_code(
    client: OAuthClient, code: str, redirect_uri: str, verifier: str, lifetimes: Lifetimes
) -> IssuedTokens:
    """A new connection and its first tokens, for a code of `client` with the redirect URI and
    the PKCE verifier of its request; invalid_grant otherwise, GrantReplayed for a used code."""
    now = utc_now()
    row = OAuthCode.get_or_none(OAuthCode.code_hash == digest(code))
    if row is None or row.client_id != client.id:
        raise OAuthRefusal("invalid_grant", "Unknown authorization code")
    if row.used_at is not None:
        raise GrantReplayed("This authorization code was used already", row.connection_id)
    if row.expires_at <= now:
        raise OAuthRefusal("invalid_grant", "The authorization code has expired")
    if row.redirect_uri != redirect_uri:
        raise OAuthRefusal("invalid_grant", "redirect_uri is not the one the code was asked with")
    if not pkce_matches(verifier, row.code_challenge):
        raise OAuthRefusal("invalid_grant", "code_verifier does not match the code_challenge")
    unused = (OAuthCode.code_hash == row.code_hash) & OAuthCode.used_at.is_null()
    if not OAuthCode.update(used_at=now).where(unused).execute():  # redeemed meanwhile
        again = OAuthCode.get(OAuthCode.code_hash == row.code_hash)
        raise GrantReplayed("This authorization code was used already", again.connection_id)
    connection = OAuthConnection.create(user=row.user_id, client=client.id, scopes=row.scopes, created_at=now)
    OAuthCode.update(connection=connection.id).where(OAuthCode.code_hash == row.code_hash).execute()
    return issue(connection, client, tuple(row.scopes.split()), lifetimes, now)


def refresh(
    client: OAuthClient, refresh_token: str, scopes: tuple[str, ...] | None, lifetimes: Lifetimes
) -> IssuedTokens:
    """New tokens for a refresh token of `client` (which is used up: rotation), for `scopes`
    (default: what the user approved; never more); GrantReplayed for one rotated already."""
    now = utc_now()
    found = (
        OAuthRefreshToken.select(OAuthRefreshToken, OAuthConnection)
        .join(OAuthConnection)
        .where(OAuthRefreshToken.token_hash == digest(refresh_token))
        .first()
    )
    if found is None or found.connection.client_id != client.id:
        raise OAuthRefusal("invalid_grant", "Unknown refresh token")
    connection: OAuthConnection = found.connection
    if found.rotated_at is not None:
        raise GrantReplayed("This refresh token was used already", connection.id)
    if found.expires_at <= now:
        raise OAuthRefusal("invalid_grant", "The refresh token has expired")
    approved = tuple(connection.scopes.split())
    if scopes is not None and not set(scopes) <= set(approved):
        raise OAuthRefusal("invalid_scope", f"The user approved {' '.join(approved)} only")
    unused = (OAuthRefreshToken.token_hash == found.token_hash) & OAuthRefreshToken.rotated_at.is_null()
    if not OAuthRefreshToken.update(rotated_at=now).where(unused).execute():  # rotated meanwhile
        raise GrantReplayed("This refresh token was used already", connection.id)
    OAuthConnection.update(last_used_at=now).where(OAuthConnection.id == connection.id).execute()
    granted = tuple(scope for scope in approved if scopes is None or scope in scopes)
    return issue(connection, client, granted, lifetimes, now)


def issue(
    connection: OAuthConnection,
    client: OAuthClient,
    scopes: tuple[str, ...],
    lifetimes: Lifetimes,
    now: dt.datetime,
) -> IssuedTokens:
    """An access token for `scopes` and a new refresh token of the connection."""
    access_token = ACCESS_PREFIX + secrets.token_urlsafe(32)
    refresh_token = REFRESH_PREFIX + secrets.token_urlsafe(32)
    AccessToken.create(
        user=connection.user_id,
        name=(client.name or client.client_id)[:100],
        scopes=" ".join(scopes),
        token_hash=digest(access_token),
        created_at=now,
        expires_at=now + lifetimes.access_token,
        connection=connection.id,
    )
    OAuthRefreshToken.create(
        token_hash=digest(refresh_token), connection=connection.id, expires_at=now + REFRESH_LIFETIME
    )
    return IssuedTokens(access_token, refresh_token, int(lifetimes.access_token.total_seconds()), scopes)


def pkce_matches(verifier: str, challenge: str) -> bool:
    """RFC 7636 4.6, S256: the challenge is the verifier's base64url SHA-256."""
    if len(verifier) not in PKCE_VERIFIER_LENGTHS:
        return False
    hashed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return hmac.compare_digest(hashed, challenge)


def revoke(client: OAuthClient, token: str) -> None:
    """RFC 7009: an access token of `client` stops working; a refresh token of `client`
    (rotated or not) ends its whole connection. Any other token is left alone, silently."""
    token_hash = digest(token)
    of_client = OAuthConnection.select(OAuthConnection.id).where(OAuthConnection.client == client.id)
    access = (AccessToken.token_hash == token_hash) & AccessToken.connection.in_(of_client)
    if AccessToken.delete().where(access).execute():
        return
    refreshing = OAuthRefreshToken.select(OAuthRefreshToken.connection).where(
        (OAuthRefreshToken.token_hash == token_hash) & OAuthRefreshToken.connection.in_(of_client)
    )
    connection_id = refreshing.scalar()
    if connection_id is not None:
        OAuthConnection.delete().where(OAuthConnection.id == connection_id).execute()


def purge_grants(now: dt.datetime) -> int:
    """Delete what can no longer be used (background/maintenance.py): expired OAuth access
    tokens, refresh tokens past their end, codes a day past theirs, and the connections left
    without a refresh token (each has one from its first moment, in the same transaction, until
    30 days after its last refresh). How many went."""
    gone = AccessToken.delete().where(AccessToken.connection.is_null(False) & (AccessToken.expires_at < now))
    count = int(gone.execute())
    count += int(OAuthRefreshToken.delete().where(OAuthRefreshToken.expires_at < now).execute())
    count += int(OAuthCode.delete().where(OAuthCode.expires_at < now - USED_CODES_KEPT).execute())
    refreshable = OAuthRefreshToken.select(OAuthRefreshToken.connection)
    count += int(OAuthConnection.delete().where(OAuthConnection.id.not_in(refreshable)).execute())
    return count
