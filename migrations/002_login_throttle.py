"""Peewee migrations -- 002_login_throttle.py: failed logins counted per account and per client."""

import peewee as pw
from peewee_migrate import Migrator

MYSQL_TABLE_SETTINGS = ["DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]


def migrate(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    mysql_settings = MYSQL_TABLE_SETTINGS if isinstance(database, pw.MySQLDatabase) else []

    @migrator.create_model
    class LoginThrottle(pw.Model):
        key = pw.CharField(max_length=300, primary_key=True)
        failures = pw.IntegerField(default=0)
        window_start = pw.DateTimeField()

        class Meta:
            table_name = "login_throttles"
            table_settings = mysql_settings


def rollback(migrator: Migrator, database: pw.Database, *, fake: bool = False) -> None:
    migrator.remove_model("login_throttles")
