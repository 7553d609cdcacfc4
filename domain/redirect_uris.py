"""Which redirect URIs a client may register, and whether a requested one is registered.

Allowed: `https://` URLs; loopback `http://` URLs (`localhost`, `127.0.0.1`, `[::1]`), which
match whatever port the request names (RFC 8252 7.3: a native app listens on a port it gets
when it starts); and a native app's private-use scheme (RFC 8252 7.1, `com.example.app:/cb`,
`cursor://anysphere.cursor-mcp/oauth/callback`). Refused: `http://` to any other host,
schemes a browser runs or reads locally (`javascript:`, `data:`, `file:`, ...), relative URLs
and fragments (RFC 6749 3.1.2). Anything else is compared exactly, as a string.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

MAX_LENGTH = 2000
LOOPBACK_HOSTS = frozenset(("localhost", "127.0.0.1", "::1"))
# Schemes that run or read something in the browser itself: never a place to send a code.
BROWSER_SCHEMES = frozenset(("javascript", "data", "file", "vbscript", "about", "blob", "filesystem"))
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f\\<>\"]")


def refusal(uri: str) -> str | None:
    """Why `uri` may not be registered as a redirect URI, or None when it may."""
    if not uri or len(uri) > MAX_LENGTH:
        return f"must be 1 to {MAX_LENGTH} characters"
    if UNSAFE_CHARACTERS.search(uri):
        return "must not hold spaces, control characters, quotes, angle brackets or backslashes"
    if "#" in uri:
        return "must not have a fragment"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "is not a valid URL"
    scheme = parts.scheme.lower()
    if not scheme or not SCHEME.fullmatch(scheme):
        return "must be an absolute URL"
    if scheme in BROWSER_SCHEMES:
        return f"must not be a {scheme}: URL"
    if scheme == "https":
        return None if parts.hostname else "must name a host"
    if scheme == "http":
        return None if is_loopback(parts) else "may use http:// only to localhost, 127.0.0.1 or [::1]"
    return None  # a native app's private-use scheme


def is_registered(requested: str, registered: list[str]) -> bool:
    """`requested` is one of `registered`, exactly, or a loopback one on another port."""
    if requested in registered:
        return True
    try:
        asked = urlsplit(requested)
        asked.port  # noqa: B018
    except ValueError:
        return False
    if asked.scheme != "http" or not is_loopback(asked):
        return False
    return any(same_but_port(asked, urlsplit(uri)) for uri in registered)


def is_loopback(parts: SplitResult) -> bool:
    return (parts.hostname or "") in LOOPBACK_HOSTS and not parts.username and not parts.password


def same_but_port(asked: SplitResult, registered: SplitResult) -> bool:
    return (
        registered.scheme == "http"
        and is_loopback(registered)
        and (asked.hostname, asked.path, asked.query)
        == (registered.hostname, registered.path, registered.query)
    )


def destination(uri: str) -> tuple[str, str]:
    """Where a redirect URI sends the person, for the consent page: ("web", its host), ("local",
    its host) for a loopback URL (an app on this device), ("app", its scheme) for a private-use
    scheme (the app that opens those links)."""
    parts = urlsplit(uri)
    if parts.scheme == "https" or (parts.scheme == "http" and not is_loopback(parts)):
        return "web", parts.hostname or ""
    if parts.scheme == "http":
        return "local", parts.hostname or ""
    return "app", parts.scheme
