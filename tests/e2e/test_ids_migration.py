"""Migration 011 on a database the previous release filled (its commit, served for real), on
every database: nothing is lost or changed (every answer reads the same; on SQLite the same
columns, keys and indexes, now AUTOINCREMENT, as a new database has), no id handed out before
comes back, whoever creates next, and a client that synced before the upgrade ends equal to
the server, never told of one entity twice in one answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee
import pytest

from migrations import runner
from models.database import FIELD_TYPES
from settings import Settings
from tests.support.catalog import TableShape, sqlite_catalog
from tests.support.live import Server, call
from tests.support.releases import export, serving

# The last commit before migration 011: its code, as its users ran it.
PREVIOUS_RELEASE = "377eff9cde879e9f73f01269b9d6f6e4292fdf33"
ENV = {"WEBHOOK_ALLOW_PRIVATE": "true"}  # webhooks to an address where nothing listens
HOOK = "http://127.0.0.1:9/hook"
FAR = "2100-01-01T00:00:00Z"
REBUILT_BY_011 = ["access_tokens", "lists", "reminders", "tasks", "webhooks"]
# Every table whose ids the API shows: 009's events, 011's, and 013's OAuth connections.
ADDED_LATER = {"uid"}  # task fields the release under test shows and the previous one did not
AUTOINCREMENT = ["access_tokens", "events", "lists", "oauth_connections", "reminders", "tasks", "webhooks"]


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(PREVIOUS_RELEASE, tmp_path_factory.mktemp("previous-release"))


@pytest.fixture
def running() -> Iterator[list[Server]]:
    servers: list[Server] = []
    yield servers
    for server in servers:
        server.stop()


class Account:
    """One user of a live server, remembering every id it was answered, by kind."""

    def __init__(self, server: Server, email: str) -> None:
        self.server = server
        answer = call("POST", f"{server.base}/api/auth/signup", {"email": email, "password": "correct horse"})
        assert answer.status == 201, answer.body
        self.token: str = answer.body["access_token"]
        self.ids: dict[str, list[int]] = {"tasks": [], "lists": [], "auth/tokens": [], "webhooks": []}

    def send(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = call(method, f"{self.server.base}{path}", body, self.token)
        assert answer.status == status, (method, path, answer.body)
        return answer.body

    def make(self, collection: str, body: dict[str, Any]) -> int:
        made: int = self.send("POST", f"/api/{collection}", body, 201)["id"]
        self.ids[collection].append(made)
        return made

    def delete(self, collection: str, entity_id: int) -> None:
        self.send("DELETE", f"/api/{collection}/{entity_id}", status=204)

    def reads(self) -> dict[str, Any]:
        """What the user's clients read, with the server's address taken out of the urls, and
        the fields later releases add (a task's `uid`, migration 014) left out."""
        paths = ("/api/tasks?limit=1000", "/api/lists", "/api/auth/tokens", "/api/webhooks")
        found = {path: self.send("GET", path) for path in (*paths, f"/api/reminders?before={FAR}")}
        found["/api/tasks?limit=1000"] = [
            {name: value for name, value in task.items() if name not in ADDED_LATER}
            for task in found["/api/tasks?limit=1000"]
        ]
        return relative(found, self.server.base)

    def pull(self, cursor: str | None, limit: int) -> dict[str, Any]:
        return dict(self.send("GET", f"/api/changes?limit={limit}" + (f"&since={cursor}" if cursor else "")))


def relative(value: Any, base: str) -> Any:
    if isinstance(value, dict):
        return {key: relative(item, base) for key, item in value.items()}
    if isinstance(value, list):
        return [relative(item, base) for item in value]
    return value.removeprefix(base) if isinstance(value, str) else value


def apply(held: dict[tuple[str, int], Any], changes: list[Any], base: str) -> None:
    """A client applying one answer in order (urls without the server's address)."""
    named = [(change["kind"], change["id"]) for change in changes]
    assert len(named) == len(set(named)), f"an entity twice in one answer: {named}"
    for change in changes:
        if change["op"] == "delete":
            held.pop((change["kind"], change["id"]), None)
        else:
            entity = {
                name: value for name, value in change[change["kind"]].items() if name not in ADDED_LATER
            }
            held[(change["kind"], change["id"])] = relative(entity, base)


def fill(ann: Account, bob: Account) -> None:
    """Each kind of row, then deletions that leave the highest ids of tasks and lists deleted."""
    work = ann.make("lists", {"name": "Work"})
    parent = ann.make(
        "tasks", {"title": "Plan", "tags": ["home"], "due_date": FAR, "reminders": [{"before": "PT1H"}]}
    )
    ann.make("tasks", {"title": "Step", "parent_id": parent})
    ann.make("tasks", {"title": "Daily", "list_id": work, "due_date": FAR, "recurrence": "FREQ=DAILY"})
    ann.make("tasks", {"title": "Done", "completed": True, "priority": "high"})
    for name in ("script", "agent"):
        ann.make("auth/tokens", {"name": name})
    for _ in range(2):
        ann.make("webhooks", {"url": HOOK})
    bob.make("tasks", {"title": "Bob's"})


def reuse_and_delete(ann: Account, bob: Account) -> None:
    """What the previous release did on SQLite: the newest task deleted, the next one made got
    its id (ann's own, then bob's); then the newest task and list deleted for good."""
    ann.delete("tasks", ann.make("tasks", {"title": "gone"}))
    ann.make("tasks", {"title": "after a deletion"})
    ann.delete("tasks", ann.make("tasks", {"title": "gone too"}))
    bob.make("tasks", {"title": "Bob's after ann's deletion"})
    ann.delete("tasks", ann.make("tasks", {"title": "the newest, deleted"}))
    ann.delete("lists", ann.make("lists", {"name": "Old"}))


def test_an_upgraded_database_loses_nothing_and_never_gives_an_id_again(
    settings: Settings, previous_release: Path, running: list[Server], tmp_path: Path
) -> None:
    old = serving(settings, previous_release, **ENV).start()
    running.append(old)
    ann, bob = Account(old, "ann@example.com"), Account(old, "bob@example.com")
    fill(ann, bob)
    synced = ann.pull(None, 1000)  # a phone of ann's, in sync before the deletions
    phone: dict[tuple[str, int], Any] = {}
    apply(phone, synced["changes"], old.base)
    reuse_and_delete(ann, bob)
    before = {account: account.reads() for account in (ann, bob)}
    old.stop()
    sqlite = settings.database.dialect == "sqlite"
    catalog = sqlite_catalog(settings.database.sqlite_path) if sqlite else {}

    new = serving(settings, **ENV).start()  # migrates 010 to 011 on start
    running.append(new)
    for account in (ann, bob):
        account.server = new
        assert account.reads() == before[account]
    if sqlite:
        upgraded = sqlite_catalog(settings.database.sqlite_path)
        assert [table for table, shape in upgraded.items() if shape.autoincrement] == AUTOINCREMENT
        # The tables 011 makes anew are as they were but for AUTOINCREMENT, and what later
        # migrations added (013: access_tokens.connection_id, its key and index); the whole
        # schema is a new database's.
        for table in REBUILT_BY_011:
            before, after = catalog[table], upgraded[table]
            assert after.columns[: len(before.columns)] == before.columns, table
            assert set(before.foreign_keys) <= set(after.foreign_keys), table
            assert set(before.indexes) <= set(after.indexes), table
        assert upgraded == fresh_catalog(tmp_path / "fresh.db")

    cursor, answers = synced["cursor"], []
    while not answers or answers[-1]["has_more"]:
        answers.append(ann.pull(cursor, 2))
        apply(phone, answers[-1]["changes"], new.base)
        cursor = answers[-1]["cursor"]
    apply({}, ann.pull(synced["cursor"], 1000)["changes"], new.base)  # the whole of it in one answer too
    state = ann.reads()
    tasks, lists = state["/api/tasks?limit=1000"], state["/api/lists"]
    held = {("task", task["id"]): task for task in tasks} | {("list", item["id"]): item for item in lists}
    assert phone == held

    handed_out = {kind: max(ann.ids[kind] + bob.ids[kind]) for kind in ann.ids}
    assert bob.make("tasks", {"title": "bob's first after the upgrade"}) > handed_out["tasks"]
    assert ann.make("tasks", {"title": "ann's first after the upgrade"}) > handed_out["tasks"]
    for kind, body in (
        ("lists", {"name": "New"}),
        ("auth/tokens", {"name": "n"}),
        ("webhooks", {"url": HOOK}),
    ):
        assert ann.make(kind, body) > handed_out[kind]
    ann.delete("tasks", ann.ids["tasks"][5])  # ids given twice before: deleting them works
    bob.delete("tasks", bob.ids["tasks"][1])
    assert "Traceback" not in new.output()


def fresh_catalog(path: Path) -> dict[str, TableShape]:
    """The catalog of a SQLite database that every migration made from nothing."""
    db = peewee.SqliteDatabase(str(path), field_types=FIELD_TYPES["sqlite"])
    runner.upgrade(db)
    db.close()
    return sqlite_catalog(path)
