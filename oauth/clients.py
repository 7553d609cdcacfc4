"""Which client a request comes from: found by its client_id (a registered one, or a client ID
metadata document, fetched when it is not kept or no longer fresh), and the credentials a token
or revocation request carries (RFC 6749 2.3.1: in the body, or HTTP Basic)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from urllib.parse import unquote

import anyio.to_thread
from starlette.requests import Request

from domain.authorization_requests import Query
from domain.errors import ClientRefused, OAuthRefusal
from domain.oauth_clients import MAX_CLIENT_ID_LENGTH, find_client, is_document_url, store_document
from models import OAuthClient, utc_now
from oauth.forms import single
from runtime import calls
from runtime.client_documents import DocumentRefused, fetch_document
from runtime.headers import header
from runtime.services import services_of


async def client_for(request: Request, client_id: str) -> OAuthClient | None:
    """The client `client_id` names, or None. A metadata document is fetched (outside any
    database call) when none is kept or the kept one is stale; ClientRefused when it cannot be
    had or used."""
    if len(client_id) > MAX_CLIENT_ID_LENGTH:
        return None
    client = await calls.read(request, find_client, client_id)
    if not is_document_url(client_id) or (client is not None and fresh(client, utc_now())):
        return client
    allow_private = services_of(request).settings.webhook_allow_private
    try:
        document, seconds = await anyio.to_thread.run_sync(fetch_document, client_id, allow_private)
    except DocumentRefused as exc:
        raise ClientRefused("invalid_client", f"This app's metadata document cannot be used: {exc}") from None
    expires_at = utc_now() + dt.timedelta(seconds=seconds)
    return await calls.write(request, store_document, client_id, document, expires_at)


def fresh(client: OAuthClient, now: dt.datetime) -> bool:
    return client.document_expires_at is not None and client.document_expires_at > now


def credentials(request: Request, form: Query) -> tuple[str | None, str | None]:
    """(client_id, client_secret); invalid_client for a Basic header that is not one, or that
    names another client than the body."""
    scheme, _, encoded = (header(request, b"authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return single(form, "client_id"), single(form, "client_secret")
    try:
        client_id, colon, secret = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthRefusal("invalid_client", "The Basic authorization header is malformed") from None
    if not colon:
        raise OAuthRefusal("invalid_client", "The Basic authorization header is malformed")
    client_id, secret = unquote(client_id), unquote(secret)
    named = single(form, "client_id")
    if named is not None and named != client_id:
        raise OAuthRefusal("invalid_client", "client_id is not the one of the Basic authorization header")
    return client_id, secret
