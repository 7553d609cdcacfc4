"""A webhook receiver on a free port: it records every delivery and answers as told."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.ports import HOST, free_port


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float  # time.monotonic() when it arrived

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """`answer(delivery)` gives each delivery's status (default 204) and may sleep first."""

    def __init__(self, answer: Callable[[Delivery], int] | None = None) -> None:
        self.answer = answer or (lambda delivery: 204)
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/hook"
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                delivery = Delivery(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                )
                with receiver.lock:
                    receiver.deliveries.append(delivery)
                status = receiver.answer(delivery)
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"{receiver.url}/moved")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((HOST, self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def received(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)

    def wait_for(self, count: int, timeout: float = 10) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.received()) >= count:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"{len(self.received())} deliveries of {count} in {timeout} s")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
