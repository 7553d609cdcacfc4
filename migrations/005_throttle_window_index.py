"""Peewee migrations -- 005_throttle_window_index.py: login-throttle rows found by their window.

Rows whose window has passed are deleted a few at a time by each login attempt
(runtime/login_throttle.py): the index keeps that lookup bounded however large the table is.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.add_index("login_throttles", "window_start")


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.drop_index("login_throttles", "window_start")
