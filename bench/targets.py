"""The issue's targets, checked against a run."""

from __future__ import annotations

import statistics

from bench.cases import CEILING, CEILING_BESIDE, STORM_LOGIN_CONCURRENCY
from bench.run import Report
from bench.wrk import Row

TARGET_LIST_RATIO = 0.5
TARGET_P99_MS = 50.0
TARGET_RSS_MB = 80.0
TARGET_COLD_START_S = 0.6


def find(rows: list[Row], case: str, concurrency: int) -> Row | None:
    return next((r for r in rows if r.case == case and r.concurrency == concurrency), None)


def targets(report: Report) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each of the issue's targets."""
    checks: list[tuple[str, str, bool | None]] = []
    listing, ceiling = find(report.rows, CEILING_BESIDE, 64), find(report.ceiling, CEILING.name, 64)
    if listing and ceiling:
        ratio = listing.rps / ceiling.rps
        checks.append(
            (
                f"list 20 at c=64 >= {TARGET_LIST_RATIO:.0%} of the ceiling's req/s",
                f"{listing.rps:,.0f} / {ceiling.rps:,.0f} = {ratio:.0%}",
                ratio >= TARGET_LIST_RATIO,
            )
        )
        checks.append(
            (
                f"list 20 at c=64: p99 < {TARGET_P99_MS:.0f} ms",
                f"{listing.p99_ms:.1f} ms",
                listing.p99_ms < TARGET_P99_MS,
            )
        )
    if create := find(report.rows, "create", 64):
        errors = create.non_2xx + create.socket_errors
        checks.append(
            ("create at c=64: zero errors on SQLite", f"{errors} of {create.requests:,}", errors == 0)
        )
    health = next((row for row in report.storm if row.case.startswith("storm: /health")), None)
    if health:
        checks.append(
            (
                f"/health p99 < {TARGET_P99_MS:.0f} ms during a c={STORM_LOGIN_CONCURRENCY} login storm",
                f"{health.p99_ms:.1f} ms",
                health.p99_ms < TARGET_P99_MS,
            )
        )
    if report.peak_rss_mb is not None:
        checks.append(
            (
                f"peak RSS < {TARGET_RSS_MB:.0f} MB (one worker)",
                f"{report.peak_rss_mb:.1f} MB",
                report.peak_rss_mb < TARGET_RSS_MB,
            )
        )
    existing = statistics.median(report.cold_existing)
    checks.append(
        (
            f"cold start < {TARGET_COLD_START_S} s on an existing database",
            f"{existing:.3f} s",
            existing < TARGET_COLD_START_S,
        )
    )
    return checks
