"""The sign-in and consent page, and the page that says why an app cannot connect: server-made
HTML (oauth/pages/), every value escaped. The page works without JavaScript (its one form posts
back); /static/consent.js only offers to skip the password when the browser is signed in at `/`.

Served so that no other site can frame it (`frame-ancestors 'none'`; every answer of the service
has `Referrer-Policy: no-referrer`, so the page's URL never leaks), and with a form-action
that allows the one place the answer goes: browsers apply form-action to the redirect that
follows a form's post, and the answer is a redirect to the client.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from starlette.responses import HTMLResponse

from domain.authorization_requests import AuthorizationRequest
from domain.oauth_clients import is_document_url
from domain.principal import TASKS_READ, TASKS_WRITE
from domain.redirect_uris import destination
from oauth.door import CONSENT_PATH

PAGES = Path(__file__).resolve().parent / "pages"
CONSENT = Template((PAGES / "consent.html").read_text(encoding="utf-8"))
REFUSED = Template((PAGES / "refused.html").read_text(encoding="utf-8"))
# What each scope lets an app do, in plain words.
SCOPE_WORDS = {
    TASKS_READ: "See your tasks and lists.",
    TASKS_WRITE: "Add, change, complete and delete your tasks and lists.",
}
# A CSP host-source: letters, digits, dots and dashes (what DNS names and IPv4 addresses are).
CSP_HOST = re.compile(r"[A-Za-z0-9.-]+")


def consent_page(
    request: AuthorizationRequest,
    issuer: str,
    form_token: str,
    message: str = "",
    email: str = "",
    status: int = 200,
) -> HTMLResponse:
    hidden = {
        "csrf": [form_token],
        "response_type": ["code"],
        "client_id": [request.client.client_id],
        "redirect_uri": [request.redirect_uri],
        "code_challenge": [request.code_challenge],
        "code_challenge_method": ["S256"],
        "scope": [" ".join(request.scopes)],
        "state": [] if request.state is None else [request.state],
        "resource": list(request.resources),
    }
    body = CONSENT.substitute(
        client_name=escape(shown_name(request)),
        client_line=client_line(request),
        destination=destination_line(request.redirect_uri),
        scope_items="\n".join(scope_item(scope) for scope in request.scopes),
        message=escape(message),
        action=escape(CONSENT_PATH),
        hidden_inputs="\n".join(
            f'        <input type="hidden" name="{name}" value="{escape(value)}">'
            for name, values in hidden.items()
            for value in values
        ),
        email=escape(email),
    )
    headers = page_headers(form_action=f"'self' {csp_source(request.redirect_uri)}")
    return HTMLResponse(body, status, headers)


def refused_page(heading: str, message: str, status: int) -> HTMLResponse:
    body = REFUSED.substitute(heading=escape(heading), message=escape(message))
    return HTMLResponse(body, status, page_headers(form_action="'none'"))


def page_headers(form_action: str) -> dict[str, str]:
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action {form_action}; "
        "frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }


def shown_name(request: AuthorizationRequest) -> str:
    return request.client.name or "An app"


def client_line(request: AuthorizationRequest) -> str:
    """The client's name and how much it is to be trusted: a metadata document's name comes
    from the host that serves it; a registered client's is what it says of itself."""
    client = request.client
    if is_document_url(client.client_id):
        host = urlsplit(client.client_id).hostname or ""
        name = escape(client.name) if client.name else "An app"
        return f'<strong>{name}</strong> <span class="muted">(described by {escape(host)})</span>'
    if client.name:
        return f'<strong>{escape(client.name)}</strong> <span class="muted">(the name it gives itself)</span>'
    return '<span class="muted">An app that gives no name</span>'


def destination_line(redirect_uri: str) -> str:
    kind, where = destination(redirect_uri)
    if kind == "web":
        return f"<strong>{escape(where)}</strong>"
    if kind == "local":
        return f'an app on this device <span class="muted">({escape(where)})</span>'
    return f"the app that opens <strong>{escape(where)}:</strong> links"


def scope_item(scope: str) -> str:
    words = escape(SCOPE_WORDS[scope])
    return f'        <li><code>{escape(scope)}</code> <span class="scope-words">{words}</span></li>'


def csp_source(redirect_uri: str) -> str:
    """The redirect URI's origin as a CSP source, or its scheme when the origin cannot be one
    (an IPv6 address, a private-use scheme)."""
    parts = urlsplit(redirect_uri)
    host = parts.hostname or ""
    if parts.scheme in ("http", "https") and CSP_HOST.fullmatch(host):
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}"
    return f"{parts.scheme}:"
