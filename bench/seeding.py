"""The data every run starts from, created over HTTP, and the small client that creates it."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
from dataclasses import dataclass

PASSWORD = "bench-password-1"
READER_TASKS = 1000
WRITER_TASKS = 200


class Client:
    """A keep-alive JSON client for seeding and pre-flight checks."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(
        self, method: str, path: str, body: object = None, token: str | None = None, raw: str | None = None
    ) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, body: object = None, token: str | None = None) -> object:
        status, data = self.call(method, path, body, token)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} -> {status}: {data[:300]!r}")
        return json.loads(data)


VERBS = ("Buy", "Call", "Email", "Fix", "Plan", "Read", "Review", "Write", "Clean", "Book")
OBJECTS: tuple[str, ...] = ("milk", "the report", "dentist", "bike", "budget", "slides", "garden", "tickets")
OBJECTS += ("invoice", "groceries", "car", "notes")
TAGS = ("home", "work", "errands", "health", "finance", "urgent", "later", "family")


def task_body(rng: random.Random, number: int) -> dict[str, object]:
    """A varied task: titles, descriptions, tags, priorities, due dates, ~40% completed."""
    body: dict[str, object] = {
        "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} #{number}",
        "priority": rng.choice(("low", "medium", "high")),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
        "completed": rng.random() < 0.4,
    }
    if rng.random() < 0.4:
        body["description"] = f"Remember the {rng.choice(OBJECTS)} before {rng.choice(VERBS).lower()}ing"
    if rng.random() < 0.5:
        due = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=rng.randint(0, 24 * 365))
        body["due_date"] = due.isoformat().replace("+00:00", "Z")
    return body


@dataclass
class Seeded:
    reader_token: str  # a user with READER_TASKS tasks: list, search, get
    writer_token: str  # a user with WRITER_TASKS tasks: create, patch, complete
    reader_email: str
    reader_ids: list[int]
    writer_ids: list[int]


def seed(port: int) -> Seeded:
    client, rng = Client(port), random.Random(42)
    tokens: dict[str, str] = {}
    ids: dict[str, list[int]] = {}
    for role, count in (("reader", READER_TASKS), ("writer", WRITER_TASKS)):
        signup = {"email": f"{role}@bench.example", "password": PASSWORD, "name": role}
        answer = client.json("POST", "/api/auth/signup", signup)
        assert isinstance(answer, dict)
        tokens[role] = answer["access_token"]
        ids[role] = []
        for number in range(count):
            task = client.json("POST", "/api/tasks", task_body(rng, number), tokens[role])
            assert isinstance(task, dict)
            ids[role].append(task["id"])
    return Seeded(tokens["reader"], tokens["writer"], "reader@bench.example", ids["reader"], ids["writer"])
