"""Peewee migrations -- 012_ticket_credentials.py: an event ticket stands for its credential.

- event_tickets.personal_token_hash, token_version, token_expires_at: the credential the ticket
  was asked with (a personal token's hash; a JWT's `ver` and `exp`), so that a ticket is
  refused, and the stream it opened ends, once that credential no longer stands. Tickets made
  before have none of them: they last a minute, and stand for their user as before.
"""

import peewee as pw
from peewee_migrate import Migrator

COLUMNS = ("personal_token_hash", "token_version", "token_expires_at")


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.add_fields(
        "event_tickets",
        personal_token_hash=pw.CharField(max_length=64, null=True),
        token_version=pw.IntegerField(null=True),
        token_expires_at=pw.DateTimeField(null=True),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_fields("event_tickets", *COLUMNS)
