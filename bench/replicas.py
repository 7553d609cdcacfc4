"""`make bench-replicas`: how soon an event made on one replica reaches the streams on another,
on PostgreSQL.

Two servers, one uvicorn worker each as production runs them, on one PostgreSQL database (a
server of the suite's kind, tests/support/dbservers.py, started for the run). STREAMS event
streams of one user are open on the second; a thread creates one of the user's tasks on the
first every WRITE_INTERVAL seconds. For each event and each stream, the delay from the write's
answer to the event's arrival on that stream: the commit comes before the answer, so the delay
from the commit is at most this plus the answer's way back (the `from the request` columns give
the delay from sending the write, an upper bound). p50, p99 and the worst over every (event,
stream) pair; every event must reach every stream. Beside it, the CPU the streams' server spent,
in % of one core: what following the other replica's writes costs.

    bench/run.sh --replicas                        # the working tree
    bench/run.sh --replicas --baseline main        # and that revision, one after the other

Prints a Markdown report and writes it to bench/REPLICAS.md (--no-write: print only).
"""

from __future__ import annotations

import argparse
import re
import selectors
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.paths import BENCH_DIR
from bench.progress import log
from bench.resources import cpu_seconds
from bench.revisions import Side, prepare_baseline, prepare_current, resolve
from bench.seeding import PASSWORD, Client
from bench.servers import Server, databases, service_env
from bench.streams import open_stream

STREAMS = 200
WRITE_INTERVAL = 0.05
DURATION = 20.0
SETTLE_SECONDS = 5.0  # after the last write, how long the last events may take
READERS = 4  # threads reading the streams' sockets
TARGET_P99_MS = 200.0
REPLICAS_FILE = BENCH_DIR / "REPLICAS.md"
TITLE = re.compile(rb'"title":"w(\d+)"')


@dataclass(frozen=True)
class Delays:
    side: str
    revision: str
    streams: int
    writes: int
    heard: int  # (event, stream) pairs that arrived
    from_answer_ms: list[float]
    from_request_ms: list[float]
    cpu_percent: float  # of the streams' server, over the writes


class Arrivals:
    """When each write's event reached each stream: a reader thread's view of its sockets."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at: dict[int, list[float]] = {}  # write number -> arrival times, one per stream

    def read(self, sockets: list[socket.socket], stop: threading.Event) -> None:
        selector = selectors.DefaultSelector()
        buffers = {sock: b"" for sock in sockets}
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                ready = key.fileobj
                assert isinstance(ready, socket.socket)
                data = ready.recv(65536)
                arrived = time.perf_counter()
                buffer, end = buffers[ready] + data, 0
                numbers = []
                for match in TITLE.finditer(buffer):
                    numbers.append(int(match[1]))
                    end = match.end()
                buffers[ready] = buffer[max(end, len(buffer) - 64) :]  # a title cut in two waits
                with self.lock:
                    for number in numbers:
                        self.at.setdefault(number, []).append(arrived)
        selector.close()


def write_tasks(port: int, token: str, until: float) -> list[tuple[float, float]]:
    """A task every WRITE_INTERVAL until `until`: (sent, answered) of each, by its number."""
    client, times = Client(port), list[tuple[float, float]]()
    while time.perf_counter() < until:
        sent = time.perf_counter()
        status, _, body = client.call("POST", "/api/tasks", {"title": f"w{len(times)}"}, token)
        if status != 201:
            raise RuntimeError(f"POST /api/tasks -> {status}: {body[:300]!r}")
        times.append((sent, time.perf_counter()))
        time.sleep(max(0.0, WRITE_INTERVAL - (time.perf_counter() - sent)))
    return times


@contextmanager
def two_servers(side: Side, url: str, work: Path) -> Iterator[tuple[Server, Server]]:
    with ExitStack() as stack:
        servers = []
        for name in ("writes", "streams"):
            env = service_env(work / side.key / name, side.env, url)
            log_path = work / f"{side.key}-{name}.log"
            server = Server(side.uvicorn, ["router:app", *side.flags], side.tree, env, log_path)
            server.start(timeout=120)
            stack.callback(server.stop)
            servers.append(server)
        yield servers[0], servers[1]


def measure(side: Side, url: str, work: Path, streams: int, duration: float) -> Delays:
    with two_servers(side, url, work) as (writes, reads):
        client = Client(writes.port)
        account = {"email": "replicas@bench.example", "password": PASSWORD}
        answer = client.json("POST", "/api/auth/signup", account)
        assert isinstance(answer, dict)
        token = answer["access_token"]
        client.json("POST", "/api/tasks", {"title": "the Inbox first"}, token)
        log(f"{side.title}: {streams} streams on one server, a write every {WRITE_INTERVAL:g} s on another")
        sockets = [open_stream(reads.port, token) for _ in range(streams)]
        arrivals, stop = Arrivals(), threading.Event()
        readers = [
            threading.Thread(target=arrivals.read, args=(sockets[n::READERS], stop)) for n in range(READERS)
        ]
        try:
            for reader in readers:
                reader.start()
            time.sleep(1)  # the reads that follow the streams' starts
            cpu_before, started = cpu_seconds(reads.pid), time.perf_counter()
            times = write_tasks(writes.port, token, started + duration)
            cpu = (cpu_seconds(reads.pid) - cpu_before) / (time.perf_counter() - started)
            settle_until = time.perf_counter() + SETTLE_SECONDS
            while time.perf_counter() < settle_until and heard(arrivals, len(times)) < len(times) * streams:
                time.sleep(0.05)
        finally:
            stop.set()
            for reader in readers:
                reader.join()
            for sock in sockets:
                sock.close()
    from_answer, from_request = [], []
    for number, (sent, answered) in enumerate(times):
        for arrived in arrivals.at.get(number, []):
            from_answer.append((arrived - answered) * 1000)
            from_request.append((arrived - sent) * 1000)
    count = heard(arrivals, len(times))
    return Delays(side.title, side.revision, streams, len(times), count, from_answer, from_request, cpu * 100)


def heard(arrivals: Arrivals, writes: int) -> int:
    with arrivals.lock:
        return sum(len(arrivals.at.get(number, [])) for number in range(writes))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


def markdown(results: list[Delays], duration: float) -> str:
    lines = [
        "# Events across replicas",
        "",
        "`bench/run.sh --replicas`: two servers on one PostgreSQL database,"
        f" {results[0].streams} streams of one user on the second,",
        f"a task created on the first every {WRITE_INTERVAL * 1000:.0f} ms for {duration:g} s.",
        "The delay of each event on each stream, from the write's answer (its commit is before it) and",
        f"from its request (an upper bound). Target: p99 from the answer under {TARGET_P99_MS:g} ms.",
        "",
        "| side | revision | events heard | from the answer p50 / p99 / max ms"
        " | from the request p50 / p99 ms | streams' server CPU |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for each in results:
        answer, request = each.from_answer_ms, each.from_request_ms
        lines.append(
            f"| {each.side} | {each.revision} | {each.heard} of {each.writes * each.streams} | "
            f"{percentile(answer, 0.5):.1f} / {percentile(answer, 0.99):.1f}"
            f" / {max(answer, default=float('nan')):.1f} | "
            f"{percentile(request, 0.5):.1f} / {percentile(request, 0.99):.1f} | {each.cpu_percent:.0f}% |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicas", action="store_true", help="(how bench/__main__.py hands over)")
    parser.add_argument("--baseline", metavar="REV", help="also this revision, after the working tree")
    parser.add_argument("--streams", type=int, default=STREAMS)
    parser.add_argument("--duration", type=float, default=DURATION, help="seconds of writes")
    parser.add_argument("--no-write", action="store_true", help="print the report, leave REPLICAS.md alone")
    args = parser.parse_args(argv)
    if args.baseline:
        resolve(args.baseline)
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="todo-replicas-") as tmp,
        databases("postgresql", Path(tmp)) as new_database,
    ):
        work = Path(tmp)
        sides = [prepare_current()]
        if args.baseline:
            sides.append(prepare_baseline(args.baseline, work))
        for side in sides:
            url = new_database(f"replicas_{side.key}")
            results.append(measure(side, url, work, args.streams, args.duration))
    text = markdown(results, args.duration)
    print(text)
    if not args.no_write:
        REPLICAS_FILE.write_text(text)
    return 0
