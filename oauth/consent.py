"""POST /authorize/consent: the consent page's form. From the service's own page only (the form
token, oauth/csrf.py), it carries the authorization request again (checked again as at GET),
the person's decision and who approves: the email and password, counted and limited as logins
are, or the login token of the page at `/` in the same browser (/static/consent.js sends it).
Approve: 302 to the client with a code; deny: with `error=access_denied`; wrong credentials:
the page again, 401 (429 over the login limits)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.access_tokens import PREFIX as PERSONAL_PREFIX
from domain.authorization_requests import AuthorizationRequest
from domain.errors import OAuthRefusal, TooManyAttempts, Unauthenticated
from domain.fields import trim
from domain.oauth_grants import Lifetimes, approve
from domain.principal import ACCOUNT
from domain.users import current_user
from oauth import csrf
from oauth.answers import back_to_client
from oauth.authorize import read_request
from oauth.consent_page import consent_page, refused_page
from oauth.forms import form
from runtime import calls
from runtime.login_throttle import sign_in
from runtime.public_base import public_base
from runtime.services import services_of

EXPIRED = "This page has expired, or the form was not sent from it. Go back to the app and connect again."
SESSION_ENDED = "Your sign-in on this browser has ended: enter your email and password."
CREDENTIALS_NEEDED = "Enter your email and password to approve."


async def handle(request: Request) -> Response:
    issuer = public_base(request)
    settings = services_of(request).settings
    try:
        posted = await form(request)
    except OAuthRefusal as refusal:
        return refused_page("This form cannot be read", refusal.message, 400)
    token = value(posted, "csrf")
    if not csrf.posted_from_our_page(request, token, settings.jwt_secret):
        return refused_page("This page has expired", EXPIRED, 403)
    asked = await read_request(request, posted, issuer)
    if isinstance(asked, Response):
        return asked
    decision = posted.get("decision", [])
    if decision == ["deny"]:
        error = {"error": "access_denied", "error_description": "The user denied the request"}
        return back_to_client(asked.redirect_uri, issuer, asked.state, **error)
    if decision != ["approve"]:
        return refused_page("This form cannot be read", "It says neither approve nor deny.", 400)
    email = trim(value(posted, "email")).lower()
    try:
        user_id = await approving_user(request, email, posted)
    except (Unauthenticated, TooManyAttempts) as refusal:
        return again(asked, issuer, token, refusal, email)
    code = await calls.write(request, approve, user_id, asked, Lifetimes.of(settings))
    return back_to_client(asked.redirect_uri, issuer, asked.state, code=code)


def value(posted: dict[str, list[str]], name: str) -> str:
    """A field's first value ("" when absent): the page's own form sends each once."""
    return posted.get(name, [""])[0]


async def approving_user(request: Request, email: str, posted: dict[str, list[str]]) -> str:
    """Who approves: the signed-in browser's user when no password is given, else the account
    the email and password open (a login attempt: counted, limited)."""
    password, session = value(posted, "password"), value(posted, "session_token")
    if not password and session:
        return await signed_in_user(request, session)
    if not email or not password:
        raise Unauthenticated(CREDENTIALS_NEEDED)
    user = await sign_in(request, email, password)
    return user.id


async def signed_in_user(request: Request, session: str) -> str:
    """The user of the login token the page at `/` keeps: a JWT that may act for the whole
    account (a personal or OAuth token may not approve anything)."""
    try:
        if session.startswith(PERSONAL_PREFIX):
            raise Unauthenticated(SESSION_ENDED)
        principal = await services_of(request).tokens.verify(session)
        if ACCOUNT not in principal.scopes:
            raise Unauthenticated(SESSION_ENDED)
        user = await calls.read(request, current_user, principal)
    except Unauthenticated:
        raise Unauthenticated(SESSION_ENDED) from None
    return user.id


def again(
    asked: AuthorizationRequest,
    issuer: str,
    token: str,
    refusal: Unauthenticated | TooManyAttempts,
    email: str,
) -> Response:
    """The page once more, saying why: 401 for credentials, 429 (and when to try) over the limit."""
    if isinstance(refusal, TooManyAttempts):
        minutes = max(1, round(refusal.retry_after / 60))
        message = f"Too many failed sign-ins: try again in {minutes} minute{'s' if minutes > 1 else ''}."
        response = consent_page(asked, issuer, token, message, email, 429)
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    return consent_page(asked, issuer, token, refusal.message.rstrip(".") + ".", email, 401)
