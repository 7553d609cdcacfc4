"""A web server on a free local port that serves JSON documents (client ID metadata documents)
with the headers a test gives, and counts how often each was fetched."""

from __future__ import annotations

import http.server
import json
import threading
from collections import Counter
from typing import Any

from tests.support.ports import HOST, free_port


class DocumentServer:
    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.fetches: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with served.lock:
                    served.fetches[self.path] += 1
                    status, headers, body = served.documents.get(self.path, (404, {}, b""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((HOST, self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, path: str, document: Any, status: int = 200, **headers: str) -> str:
        """Serve `document` as JSON at `path` (headers: `Cache_Control="max-age=60"`); its URL."""
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        with self.lock:
            self.documents[path] = (status, {"Content-Type": "application/json", **named}, body)
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
