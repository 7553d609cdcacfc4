"""The rules of an authorization request (RFC 6749 4.1.1 with OAuth 2.1's PKCE, RFC 8707's
resource), read from its query (or the consent form that carries it): which client asks, where
the answer goes, what for. Pure: the client is looked up before.

Two kinds of refusal: `ClientRefused` when the client or its redirect URI cannot be trusted (the
person in the browser is told; nothing is sent anywhere), and `OAuthRefusal` for the rest, once
the redirect URI is known to be the client's (the client is told, at its redirect URI).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.errors import ClientRefused, OAuthRefusal
from domain.oauth_clients import redirect_uris
from domain.principal import TASK_SCOPES
from domain.redirect_uris import is_registered
from models import OAuthClient

# An S256 challenge: the base64url SHA-256 of the verifier, without padding.
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_STATE_LENGTH = 2000
# Parameters that may appear once only (RFC 6749 3.1); `resource` may repeat (RFC 8707 2).
SINGLE = (
    "response_type",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "code_challenge_method",
    "state",
    "scope",
)

Query = Mapping[str, Sequence[str]]  # each parameter's values, in order


@dataclass(frozen=True)
class AuthorizationRequest:
    """An authorization request the rules accept: what the consent page asks the person."""

    client: OAuthClient
    redirect_uri: str
    code_challenge: str
    state: str | None
    scopes: tuple[str, ...]
    resources: tuple[str, ...]


def asked_client_id(query: Query) -> str:
    """The client_id asked for; ClientRefused without exactly one."""
    values = query.get("client_id", ())
    if len(values) != 1 or not values[0]:
        raise ClientRefused("invalid_request", "The request does not say which app is asking (client_id)")
    return values[0]


def redirect_target(client: OAuthClient | None, query: Query) -> str:
    """Where the answer may go: the request's redirect_uri, when it is registered for `client`;
    ClientRefused otherwise (an unknown client, no or several redirect_uri, one not the client's)."""
    if client is None:
        raise ClientRefused("invalid_client", "This app is not known here: it has not registered")
    values = query.get("redirect_uri", ())
    if len(values) != 1 or not is_registered(values[0], redirect_uris(client)):
        raise ClientRefused("invalid_request", "The address this app asks to be sent back to is not its own")
    return values[0]


def given_state(query: Query) -> str | None:
    """The state to send back with any answer (the first one given, when there are several)."""
    values = query.get("state", ())
    return values[0] if values else None


def authorization_request(
    client: OAuthClient, redirect_uri: str, query: Query, resources: Sequence[str]
) -> AuthorizationRequest:
    """The request as the consent page shows it, once `redirect_target` has accepted the client
    and its redirect URI; OAuthRefusal naming the first problem otherwise. `resources` are the
    indicators that name this service."""
    for name in SINGLE:
        if len(query.get(name, ())) > 1:
            raise OAuthRefusal("invalid_request", f"{name} is given more than once")
    response_type = first(query, "response_type")
    if response_type is None:
        raise OAuthRefusal("invalid_request", "response_type is missing")
    if response_type != "code":
        raise OAuthRefusal("unsupported_response_type", "Only response_type=code is supported")
    challenge = first(query, "code_challenge")
    if challenge is None or first(query, "code_challenge_method") != "S256":
        raise OAuthRefusal(
            "invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256"
        )
    if not S256_CHALLENGE.fullmatch(challenge):
        raise OAuthRefusal(
            "invalid_request", "code_challenge is not an S256 challenge (43 base64url characters)"
        )
    state = first(query, "state")
    if state is not None and len(state) > MAX_STATE_LENGTH:
        raise OAuthRefusal("invalid_request", f"state is longer than {MAX_STATE_LENGTH} characters")
    asked = tuple(query.get("resource", ()))
    if any(resource not in resources for resource in asked):
        raise OAuthRefusal("invalid_target", "resource names another service than this one")
    return AuthorizationRequest(client, redirect_uri, challenge, state, requested_scopes(query), asked)


def requested_scopes(query: Query) -> tuple[str, ...]:
    """The scopes asked, in the service's order; every supported one when none is asked."""
    asked = (first(query, "scope") or "").split()
    unknown = [scope for scope in asked if scope not in TASK_SCOPES]
    if unknown:
        raise OAuthRefusal(
            "invalid_scope", f"Unknown scope: {unknown[0]} (supported: {' '.join(TASK_SCOPES)})"
        )
    return tuple(scope for scope in TASK_SCOPES if scope in asked or not asked)


def first(query: Query, name: str) -> str | None:
    values = query.get(name, ())
    return values[0] if values else None
