"""Which webhook URLs the service sends to: `http(s)://` to public addresses only (unless
WEBHOOK_ALLOW_PRIVATE), checked when a webhook is registered and again at each delivery,
since what a name resolves to can change. A delivery connects to the very address it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


class RefusedURL(ValueError):
    """The sentence says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as the URL names it: the Host header, and the name TLS checks
    port: int
    address: str  # the checked address the delivery connects to
    path: str  # with its query


def target(url: str, allow_private: bool) -> Target:
    """Where a delivery to `url` goes; RefusedURL when it may not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedURL("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise RefusedURL("must not hold a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedURL("has an invalid port") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedURL(f"{parts.hostname} does not resolve") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for address in addresses:
        if not allow_private and not is_public(address):
            raise RefusedURL(f"{parts.hostname} resolves to {address}, a private or reserved address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, addresses[0], path)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
