"""A server-sent event stream read over a real socket, message by message (a test's EventSource)."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Message:
    event: str | None = None
    id: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


class EventStream:
    def __init__(self, url: str, token: str | None = None, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        sent = {"Accept": "text/event-stream", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        self.connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=sent)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {name.lower(): value for name, value in self.response.getheaders()}

    def next(self, timeout: float = 5) -> Message:
        """The next message (comments alone make one too); TimeoutError after `timeout` s."""
        message = Message()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no message in time")
            self.response.fp.raw._sock.settimeout(remaining)  # type: ignore[union-attr]
            try:
                raw = self.response.readline()  # through the chunked framing: b"" at the body's end
            except TimeoutError:
                raise TimeoutError("no message in time") from None
            if not raw:
                raise EOFError("the stream ended")
            line = raw.decode().rstrip("\r\n")
            if not line:
                if message.event or message.id or message.data or message.comments:
                    return message
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                message.comments.append(value)
            elif name == "data":
                message.data = f"{message.data}\n{value}" if message.data else value
            elif name in ("event", "id"):
                setattr(message, name, value)

    def events(self, count: int, timeout: float = 5) -> list[Message]:
        """The next `count` messages that carry an event (comments and resyncs too)."""
        found: list[Message] = []
        while len(found) < count:
            message = self.next(timeout)
            if message.event is not None:
                found.append(message)
        return found

    def close(self) -> None:
        self.connection.close()
