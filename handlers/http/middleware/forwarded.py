"""The client's own address, scheme and host, from the `X-Forwarded-*` headers of a trusted
proxy (FORWARDED_ALLOW_IPS), before anything reads them."""

from __future__ import annotations

import functools
import ipaddress
import re

from starlette.types import ASGIApp, Receive, Scope, Send

HOST_PATTERN = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9a-fA-F:]+\](:\d{1,5})?")


class ForwardedHeadersMiddleware:
    """`X-Forwarded-For/-Proto/-Host` applied when the peer is a trusted proxy.

    Like uvicorn's `--proxy-headers`, plus the host, so a task's `url` is the address the
    client used. Trusted: `FORWARDED_ALLOW_IPS` (addresses or networks, `*` for any).
    """

    def __init__(self, app: ASGIApp, trusted: tuple[str, ...]) -> None:
        self.app = app
        self.trust_all = "*" in trusted
        self.networks = [ipaddress.ip_network(item, strict=False) for item in trusted if is_network(item)]
        # The peer is nearly always the same proxy or two: parsing its address every time costs
        # more than the rest of this middleware. (Addresses in X-Forwarded-For, which a client
        # writes, are not kept.)
        self.is_trusted_peer = functools.lru_cache(maxsize=256)(self.is_trusted)

    def is_trusted(self, host: str | None) -> bool:
        if self.trust_all:
            return True
        try:
            address = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and self.is_trusted_peer(client[0] if client else None):
            self.apply(scope)
        await self.app(scope, receive, send)

    def apply(self, scope: Scope) -> None:
        headers = {name: value for name, value in scope["headers"] if name.startswith(b"x-forwarded-")}
        if not headers:
            return
        if (proto := last_value(headers.get(b"x-forwarded-proto"))) and proto in ("http", "https"):
            scope["scheme"] = proto
        host = last_value(headers.get(b"x-forwarded-host"))
        if host and HOST_PATTERN.fullmatch(host):
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope["headers"].append((b"host", host.encode()))
        if chain := headers.get(b"x-forwarded-for"):
            scope["client"] = (self.client_from(chain), 0)

    def client_from(self, chain: bytes) -> str:
        """The nearest address that is not a trusted proxy, read from the right of the chain."""
        addresses = [
            without_port(item.strip()) for item in chain.decode("latin-1").split(",") if item.strip()
        ]
        for address in reversed(addresses):
            if not self.is_trusted(address):
                return address
        return addresses[0] if addresses else ""


def without_port(entry: str) -> str:
    """An X-Forwarded-For entry's address: `203.0.113.7:5555` and `[2001:db8::1]:443` carry a
    port, a bare IPv6 address (`2001:db8::1`) has colons of its own."""
    if entry.startswith("["):
        return entry[1:].partition("]")[0]
    host, colon, port = entry.rpartition(":")
    return host if colon and ":" not in host and port.isdigit() else entry


def is_network(item: str) -> bool:
    try:
        ipaddress.ip_network(item, strict=False)
    except ValueError:
        return False
    return True


def last_value(raw: bytes | None) -> str | None:
    return raw.decode("latin-1").split(",")[-1].strip() if raw else None
