"""Migration 014 on a database that has tasks already, on every database: each existing task
gets a UID of its own (a UUID), UIDs are unique per user from then on, and the migration
undoes cleanly."""

from __future__ import annotations

import datetime as dt
import re

import peewee
import pytest

from migrations import runner
from models import open_database
from settings import Settings

BEFORE = "010_recurrence_reminders"
CALDAV = "014_caldav"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_existing_tasks_get_their_own_uids(settings: Settings) -> None:
    db = open_database(settings.database, 2, 5)
    with db.connection_context():
        with runner.foreign_keys_off(db):  # as runner.upgrade runs them (011 insists)
            runner.make_router(db).run(BEFORE)
        param, now = db.param, dt.datetime(2026, 1, 1)
        for user in ("u_ann", "u_bob"):
            db.execute_sql(
                f"INSERT INTO users (id, email, token_version, created_at) VALUES ({', '.join([param] * 4)})",
                (user, f"{user}@example.com", 0, now),
            )
            for title in ("one", "two", "three"):
                db.execute_sql(
                    "INSERT INTO tasks (user_id, title, search_text, completed, priority, created_at, "
                    f"updated_at) VALUES ({', '.join([param] * 7)})",
                    (user, title, title, False, 2, now, now),
                )
        with runner.foreign_keys_off(db):
            runner.make_router(db).run(CALDAV)
        rows = db.execute_sql("SELECT user_id, uid, dav_name FROM tasks").fetchall()
        assert len(rows) == 6 and all(UUID.fullmatch(uid) and dav_name is None for _, uid, dav_name in rows)
        assert len({uid for _, uid, _ in rows}) == 6
        with pytest.raises(peewee.IntegrityError), db.atomic():
            db.execute_sql(f"UPDATE tasks SET uid = {param} WHERE user_id = {param}", (rows[0][1], "u_ann"))
        assert runner.downgrade(db, steps=1) == [CALDAV]
        assert runner.upgrade(db)[0] == CALDAV
