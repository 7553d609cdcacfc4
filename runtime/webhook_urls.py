"""Which webhook URLs the service sends to: `http(s)://` to public addresses only (unless
WEBHOOK_ALLOW_PRIVATE), checked when a webhook is registered and again at each delivery,
since what a name resolves to can change. A delivery connects to the very address it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

# IPv6 addresses whose last 32 bits are an IPv4 address they reach: IPv4-compatible (::a.b.c.d,
# deprecated), IPv4-translated (::ffff:0:a.b.c.d, SIIT) and NAT64's well-known prefix
# (64:ff9b::a.b.c.d: on a NAT64 host, 64:ff9b::a00:1 reaches 10.0.0.1).
IPV4_IN_LAST_32_BITS = tuple(map(ipaddress.IPv6Network, ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96")))
# NAT64's local-use prefix (RFC 8215): where the IPv4 address sits in it is the network's choice.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


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
    """Whether `address` is a global unicast one; an IPv6 address carrying an IPv4 one is
    judged by the IPv4 address it reaches."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return False
        ip = embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address `ip` stands for: IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002:aabb:ccdd::)
    or one of IPV4_IN_LAST_32_BITS. (Teredo's 2001::/32 is not global: refused as it is.)"""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in network for network in IPV4_IN_LAST_32_BITS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None
