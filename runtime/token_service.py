"""Issuing this service's tokens and verifying every token the contract accepts."""

from __future__ import annotations

import time
from typing import Any

import jwt

from domain.errors import Unauthenticated
from domain.fields import clean_email, control_characters
from domain.principal import LEEWAY_SECONDS, Principal, expired
from runtime.jwks import JWKSCache
from settings import Settings

ASYMMETRIC_ALGORITHMS = ("EdDSA", "ES256", "RS256")
MAX_TOKEN_LENGTH = 4096
VERIFIED_CACHE_SIZE = 4096


class TokenService:
    def __init__(self, settings: Settings, jwks: JWKSCache | None = None) -> None:
        self.settings = settings
        self.jwks = jwks
        # token -> (principal, exp): a token verified once is not decoded again before it expires.
        # Revocation (deleted user, password change) is still checked on every request.
        self.verified: dict[str, tuple[Principal, float]] = {}

    def issue(self, user_id: str, email: str | None, version: int) -> tuple[str, int]:
        """An HS256 token and its lifetime in seconds."""
        lifetime = self.settings.jwt_expires_minutes * 60
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": user_id,
            "email": email,
            "iat": now,
            "exp": now + lifetime,
            "iss": self.settings.issued_token_issuer,
            "ver": version,
        }
        if self.settings.jwt_audience:
            claims["aud"] = self.settings.jwt_audience
        return jwt.encode(claims, self.settings.jwt_secret, algorithm="HS256"), lifetime

    async def verify(self, token: str) -> Principal:
        """The token's principal, or 401: bad signature, algorithm, time, issuer, audience or subject."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("Invalid token")
        if (cached := self.verified.get(token)) is not None and not expired(cached[1], time.time()):
            return cached[0]
        try:
            header = jwt.get_unverified_header(token)
            key = await self.key_for(header)
            claims = jwt.decode(
                token,
                key,
                algorithms=[header["alg"]],
                issuer=self.settings.jwt_issuer,
                audience=self.settings.jwt_audience,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "sub"], "verify_aud": bool(self.settings.jwt_audience)},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("Token has expired") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated("Invalid token") from None
        principal = principal_from(claims, self.settings.issued_token_issuer)
        if len(self.verified) >= VERIFIED_CACHE_SIZE:
            self.verified.clear()
        self.verified[token] = (principal, float(claims["exp"]))
        return principal

    async def key_for(self, header: dict[str, Any]) -> Any:
        algorithm = header.get("alg")
        if algorithm == "HS256":
            return self.settings.jwt_secret
        if algorithm in ASYMMETRIC_ALGORITHMS and self.jwks and isinstance(header.get("kid"), str):
            key = await self.jwks.key_for(header["kid"])
            # The key's own algorithm must be the one the token names (no key confusion).
            if key is not None and key.algorithm_name == algorithm:
                return key
        raise jwt.InvalidTokenError("no acceptable key for this token")


def principal_from(claims: dict[str, Any], own_issuer: str) -> Principal:
    subject = claims["sub"]
    if not isinstance(subject, str) or not 1 <= len(subject) <= 128 or control_characters(subject):
        raise Unauthenticated("Invalid token")
    version = claims.get("ver") if claims.get("iss") == own_issuer else None
    if version is not None and not isinstance(version, int):
        raise Unauthenticated("Invalid token")
    issued_at = claims.get("iat")
    return Principal(
        subject=subject,
        email=plausible_email(claims.get("email")),
        name=clean_claim(claims.get("name"), 100),
        version=version,
        issued_at=float(issued_at) if isinstance(issued_at, int | float) else None,
        expires_at=float(claims["exp"]),
    )


def plausible_email(value: object) -> str | None:
    """Another issuer's `email` claim as this service would store it, or None."""
    try:
        return clean_email(value) if isinstance(value, str) else None
    except ValueError:
        return None


def clean_claim(value: object, max_length: int) -> str | None:
    if not isinstance(value, str) or control_characters(value):
        return None
    return value.strip()[:max_length] or None
