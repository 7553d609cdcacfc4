"""Peewee migrations -- 015_change_notifications.py: on PostgreSQL, each commit that gives a user
an event, or ends one of the user's credentials, notifies the channel `todo_user_changed` with
the user's id, so that every process's event hub reads that user at once instead of polling
(runtime/event_hub.py, runtime/listener.py).

Triggers, so that every writer notifies (a change, a reminder, a revocation, an account
deleted, an OAuth connection's tokens going with it, a statement typed in psql), in the
writer's own transaction: PostgreSQL delivers a notification when, and only if, its
transaction commits, and one transaction's identical notifications once.

- events, AFTER INSERT: the user has a new event.
- access_tokens, AFTER DELETE (a revocation, a password change, the account or an OAuth
  connection deleted) or UPDATE OF expires_at: a personal token of the user ended or moved its end.
- users, AFTER UPDATE OF token_version (a password change) or DELETE: the user's login tokens
  ended. `tasks_version`, raised by every change, is not among the columns watched.

SQLite and MySQL have no such channel: their hubs poll. Nothing to do there.
"""

import peewee as pw
from peewee_migrate import Migrator

CHANNEL = "todo_user_changed"

FUNCTIONS = {
    # (function, the column of the row that names the user, the row: NEW or OLD)
    "todo_notify_event": ("NEW", "user_id"),
    "todo_notify_token": ("OLD", "user_id"),
    "todo_notify_user": ("OLD", "id"),
}

TRIGGERS = (
    "CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION todo_notify_event()",
    "CREATE TRIGGER access_tokens_notify_delete AFTER DELETE ON access_tokens "
    "FOR EACH ROW EXECUTE FUNCTION todo_notify_token()",
    "CREATE TRIGGER access_tokens_notify_expiry AFTER UPDATE OF expires_at ON access_tokens "
    "FOR EACH ROW WHEN (OLD.expires_at IS DISTINCT FROM NEW.expires_at) EXECUTE FUNCTION todo_notify_token()",
    "CREATE TRIGGER users_notify_delete AFTER DELETE ON users "
    "FOR EACH ROW EXECUTE FUNCTION todo_notify_user()",
    "CREATE TRIGGER users_notify_token_version AFTER UPDATE OF token_version ON users "
    "FOR EACH ROW WHEN (OLD.token_version IS DISTINCT FROM NEW.token_version) "
    "EXECUTE FUNCTION todo_notify_user()",
)
DROPPED = (
    ("events_notify", "events"),
    ("access_tokens_notify_delete", "access_tokens"),
    ("access_tokens_notify_expiry", "access_tokens"),
    ("users_notify_delete", "users"),
    ("users_notify_token_version", "users"),
)


def function_sql(name: str, row: str, column: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', {row}.{column}); RETURN NULL; END $$"
    )


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for name, (row, column) in FUNCTIONS.items():
        migrator.sql(function_sql(name, row, column))
    for statement in TRIGGERS:
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    if not isinstance(database, pw.PostgresqlDatabase):
        return
    for trigger, table in DROPPED:
        migrator.sql(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for name in FUNCTIONS:
        migrator.sql(f"DROP FUNCTION IF EXISTS {name}()")
