"""The consent form's protection against cross-site posting: a random key in a cookie only
this service's pages send (HttpOnly, SameSite=Strict, on the door's paths), and in the form an
HMAC of it under the service's secret. A post whose form token is not the HMAC of the cookie it
came with is refused.

Not an Origin check: the page is served with `Referrer-Policy: no-referrer`, so browsers post
its form with `Origin: null`, as they would a form from a sandboxed page. A site that cannot
read this service's pages cannot learn the token, and one that can plant a cookie for this
service's host (a sibling subdomain) cannot compute the token that goes with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "todo_oauth_consent"
COOKIE_PATH = "/authorize"  # the page and its form's action, below it
COOKIE_SECONDS = 3600
KEY = re.compile(r"[A-Za-z0-9_-]{43}")


def browser_key(request: Request) -> str | None:
    """The key this browser holds already (every consent tab shares it), or None."""
    key = request.cookies.get(COOKIE)
    return key if key is not None and KEY.fullmatch(key) else None


def new_key() -> str:
    return secrets.token_urlsafe(32)


def form_token(key: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), b"oauth-consent:" + key.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def posted_from_our_page(request: Request, token: str, secret: str) -> bool:
    key = browser_key(request)
    return key is not None and hmac.compare_digest(token.encode(), form_token(key, secret).encode())


def keep_key(response: Response, key: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE, key, max_age=COOKIE_SECONDS, path=COOKIE_PATH, secure=secure, httponly=True, samesite="strict"
    )
