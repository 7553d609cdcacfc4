"""OAuth clients: registered here (RFC 7591 dynamic registration), or known by a client ID
metadata document (the client's `client_id` is the document's https URL), and a client's
authentication at the token and revocation endpoints (inside a database call).

A confidential client's secret (`tdcs_` and 43 characters of base64url) is shown in the
registration's answer only; the service keeps its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import secrets
from typing import Annotated, Any, Literal

import peewee
from pydantic import AfterValidator, BaseModel, Field

from domain.errors import ClientRefused, Invalid, OAuthRefusal, TooManyAttempts
from domain.fields import trimmed_text
from domain.redirect_uris import refusal
from models import OAuthClient, bound_database, utc_now

SECRET_PREFIX = "tdcs_"
AUTH_METHODS = ("none", "client_secret_post", "client_secret_basic")
GRANT_TYPES = ("authorization_code", "refresh_token")
MAX_REDIRECT_URIS = 10
MAX_CLIENT_ID_LENGTH = 255  # the column's; a metadata document's URL must fit
REGISTRATIONS_PER_HOUR = 1000  # per client address
REGISTRATION_WINDOW = dt.timedelta(hours=1)


def clean_client_name(value: str) -> str:
    return trimmed_text(value, 100, "client_name")


class ClientMetadata(BaseModel):
    """What a client says of itself (RFC 7591 2), in a registration or a metadata document.
    Other fields (`client_uri`, `logo_uri`, `scope`, ...) are ignored: what the service does
    with the client does not depend on them."""

    redirect_uris: Annotated[list[str], Field(min_length=1, max_length=MAX_REDIRECT_URIS)]
    client_name: Annotated[str, AfterValidator(clean_client_name)] | None = None
    token_endpoint_auth_method: Literal["none", "client_secret_post", "client_secret_basic"] = "none"
    grant_types: list[str] = list(GRANT_TYPES)
    response_types: list[str] = ["code"]


def checked(metadata: ClientMetadata) -> ClientMetadata:
    """`metadata`, or Invalid naming the first field the service cannot serve as asked."""
    for index, uri in enumerate(metadata.redirect_uris):
        if (why := refusal(uri)) is not None:
            raise Invalid.at(("body", "redirect_uris", index), f"Redirect URI {uri!r} {why}", "redirect_uri")
    if "authorization_code" not in metadata.grant_types or not set(metadata.grant_types) <= set(GRANT_TYPES):
        message = "grant_types must include authorization_code and may add refresh_token, nothing else"
        raise Invalid.at(("body", "grant_types"), message, "grant_types")
    if metadata.response_types != ["code"]:
        raise Invalid.at(("body", "response_types"), 'response_types must be ["code"]', "response_types")
    return metadata


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def register_client(
    metadata: ClientMetadata, address: str, now: dt.datetime
) -> tuple[OAuthClient, str | None]:
    """A new client and its secret (None for a public client); TooManyAttempts past
    REGISTRATIONS_PER_HOUR from one address."""
    checked(metadata)
    recent = OAuthClient.select(peewee.fn.COUNT(OAuthClient.id), peewee.fn.MIN(OAuthClient.created_at)).where(
        (OAuthClient.registered_from == address) & (OAuthClient.created_at > now - REGISTRATION_WINDOW)
    )
    count, oldest = recent.scalar(as_tuple=True)
    if count >= REGISTRATIONS_PER_HOUR:
        wait = (oldest + REGISTRATION_WINDOW - now).total_seconds()
        raise TooManyAttempts("Too many client registrations from this address", max(1, math.ceil(wait)))
    method = metadata.token_endpoint_auth_method
    secret = None if method == "none" else SECRET_PREFIX + secrets.token_urlsafe(32)
    client = OAuthClient.create(
        client_id=secrets.token_urlsafe(18),
        name=metadata.client_name,
        redirect_uris=json.dumps(metadata.redirect_uris),
        auth_method=method,
        secret_hash=None if secret is None else digest(secret),
        registered_from=address,
        created_at=now,
    )
    return client, secret


def redirect_uris(client: OAuthClient) -> list[str]:
    uris: list[str] = json.loads(client.redirect_uris)
    return uris


def is_document_url(client_id: str) -> bool:
    """A client_id that names a client ID metadata document rather than a registration."""
    return client_id.startswith(("https://", "http://"))


def find_client(client_id: str) -> OAuthClient | None:
    return OAuthClient.get_or_none(OAuthClient.client_id == client_id)


def store_document(client_id: str, document: Any, expires_at: dt.datetime) -> OAuthClient:
    """The client a metadata document fetched from `client_id` describes, kept until
    `expires_at` (created, or brought up to date); ClientRefused when the document is not one
    the service can use: another `client_id`, a redirect URI it refuses, a client secret."""
    if not isinstance(document, dict) or document.get("client_id") != client_id:
        raise ClientRefused("invalid_client", "The client's metadata document does not name its own URL")
    try:
        metadata = checked(ClientMetadata.model_validate(document))
    except (Invalid, ValueError) as exc:
        message = exc.message if isinstance(exc, Invalid) else "it is not valid client metadata"
        raise ClientRefused(
            "invalid_client", f"The client's metadata document is refused: {message}"
        ) from None
    if metadata.token_endpoint_auth_method != "none":
        raise ClientRefused("invalid_client", "A client known by a metadata document has no secret here")
    fields = {
        OAuthClient.name: metadata.client_name,
        OAuthClient.redirect_uris: json.dumps(metadata.redirect_uris),
        OAuthClient.document_expires_at: expires_at,
    }
    update = OAuthClient.update(fields).where(OAuthClient.client_id == client_id)
    if not update.execute():
        try:
            with bound_database().atomic():  # a savepoint: another process may add it meanwhile
                new = {OAuthClient.client_id: client_id, OAuthClient.auth_method: "none"}
                OAuthClient.insert({**fields, **new, OAuthClient.created_at: utc_now()}).execute()
        except peewee.IntegrityError:
            update.execute()
    client: OAuthClient = OAuthClient.get(OAuthClient.client_id == client_id)
    return client


def authenticate_client(client_id: str | None, secret: str | None) -> OAuthClient:
    """The client a token or revocation request comes from, checked as it registered (a secret,
    sent in the body or as HTTP Basic, for a confidential one): invalid_client otherwise."""
    client = find_client(client_id) if client_id else None
    if client is None:
        raise OAuthRefusal("invalid_client", "Unknown client")
    if client.secret_hash is not None:
        if secret is None:
            raise OAuthRefusal("invalid_client", "This client must authenticate with its secret")
        if not hmac.compare_digest(digest(secret), client.secret_hash):
            raise OAuthRefusal("invalid_client", "Wrong client secret")
    return client
