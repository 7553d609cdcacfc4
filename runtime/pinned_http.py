"""HTTP connections to an address checked beforehand (runtime/webhook_urls.py), speaking to the
URL's host: what a name resolves to may change between the check and the connection, so the
connection goes to the checked address itself. For webhook deliveries and client ID metadata
documents. Blocking: use them in a worker thread."""

from __future__ import annotations

import http.client
import socket
import ssl

from runtime.webhook_urls import Target


def pinned_connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    """A connection to `target.address` that speaks to `target.host` (its Host header, and the
    name a TLS certificate must have)."""
    if target.scheme == "https":
        return PinnedHTTPSConnection(target.host, target.port, target.address, timeout)
    return PinnedHTTPConnection(target.host, target.port, target.address, timeout)


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
