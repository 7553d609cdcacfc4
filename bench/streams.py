"""500 open event streams on one worker: /health beside them, and what they cost in memory.

The streams are the writer's, each a plain socket reading `GET /api/events`; while wrk asks for
/health, a thread creates a task every WRITE_INTERVAL seconds, so that every stream hears an
event that often (each event goes to all of them). Reader threads drain the sockets, as
browsers would.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time

from bench.progress import log
from bench.resources import rss_mb
from bench.results import StreamsRun
from bench.seeding import Client
from bench.serving import Service
from bench.wrk import Load, run_wrk

STREAMS = 500
HEALTH_CONCURRENCY = 16
WRITE_INTERVAL = 0.05
READERS = 4  # threads draining the sockets


def open_stream(port: int, token: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    request = f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    sock.sendall(request.encode())
    head = b""
    while b"connected" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError(f"the stream closed: {head[:300]!r}")
        head += chunk
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"the stream was refused: {head[:300]!r}")
    sock.setblocking(False)
    return sock


def drain(sockets: list[socket.socket], stop: threading.Event, counted: list[int], slot: int) -> None:
    """Read what the server sends until `stop`; count the event messages in counted[slot]."""
    selector = selectors.DefaultSelector()
    for sock in sockets:
        selector.register(sock, selectors.EVENT_READ)
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.2):
            data = key.fileobj.recv(65536)  # type: ignore[union-attr]
            counted[slot] += data.count(b"\nevent: ")
    selector.close()


def write_tasks(port: int, token: str, stop: threading.Event) -> None:
    client = Client(port)
    while not stop.is_set():
        client.call("POST", "/api/tasks", {"title": "event for the streams"}, token)
        time.sleep(WRITE_INTERVAL)


def measure_streams(service: Service, seconds: float) -> StreamsRun | None:
    """None for a side without event streams."""
    port, token = service.server.port, service.seeded["writer"].token
    status, _, _ = Client(port).call("POST", "/api/events/tickets", token=token)
    if status != 201:
        return None
    log(f"{STREAMS} event streams ...")
    before = rss_mb(service.server.pid)
    sockets = [open_stream(port, token) for _ in range(STREAMS)]
    stop, counted = threading.Event(), [0] * READERS
    readers = [
        threading.Thread(target=drain, args=(sockets[n::READERS], stop, counted, n)) for n in range(READERS)
    ]
    workers = [*readers, threading.Thread(target=write_tasks, args=(port, token, stop))]
    try:
        for worker in workers:
            worker.start()
        health = run_wrk(
            port, Load(f"/health beside {STREAMS} streams", "GET", ("/health",)), HEALTH_CONCURRENCY, seconds
        )
        after = rss_mb(service.server.pid)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        for sock in sockets:
            sock.close()
    log(f"  /health p99 {health.p99_ms:.2f} ms; RSS {before} -> {after} MB; {sum(counted)} events heard")
    return StreamsRun(health, before, after, sum(counted))
