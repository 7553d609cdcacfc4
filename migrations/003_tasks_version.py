"""Peewee migrations -- 003_tasks_version.py: a per-user counter that every task write raises.

Cached task lists are keyed on it. A plain ADD COLUMN (valid on all three databases), and the
migrator's model state told about it so `create` does not add it again.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE users ADD COLUMN tasks_version BIGINT NOT NULL DEFAULT 0")
    with migrator.fake():
        migrator.add_fields("users", tasks_version=pw.BigIntegerField(default=0))


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.sql("ALTER TABLE users DROP COLUMN tasks_version")
    with migrator.fake():
        migrator.remove_fields("users", "tasks_version")
