"""The issue's targets, checked against a run; with a baseline, the ratios' targets too."""

from __future__ import annotations

from typing import NamedTuple

from bench.cases import CEILING, CEILING_BESIDE, STORM_LOGIN_CONCURRENCY
from bench.compare import MIN_REQUESTS, counted, lowest, pairs
from bench.results import Report, find
from bench.streams import STREAMS

TARGET_LIST_RATIO = 0.5  # of the ceiling's req/s
TARGET_P99_MS = 50.0
TARGET_RSS_MB = 80.0  # a worker that serves the REST API only
TARGET_MCP_RSS_MB = 90.0  # one that has served /mcp too (the MCP SDK loads on first use)
TARGET_COLD_START_S = 0.6
TARGET_BASELINE_RATIO = 0.95  # every case, METRICS off, over the baseline's req/s
TARGET_METRICS_RATIO = 0.9  # the cached list with METRICS=true, over the baseline's req/s
TARGET_STREAMS_RSS_GROWTH_MB = 50.0  # a worker's resident set with 500 event streams open


class Check(NamedTuple):
    target: str
    measured: str
    met: bool | None  # None: not measured in this run


def targets(report: Report) -> list[Check]:
    """(target, measured, met) for each target this run measured."""
    return [
        errors_anywhere(report),
        *list_vs_ceiling(report),
        *create_errors(report),
        *storm_health(report),
        *open_streams(report),
        *peak_rss(report),
        cold_start(report),
        *against_baseline(report),
        *metrics_list(report),
    ]


def list_vs_ceiling(report: Report) -> list[Check]:
    listing = report.current.find(CEILING_BESIDE, 64)
    ceiling = find(report.ceiling, CEILING.name, 64)
    if not (listing and ceiling):
        return []
    ratio = listing.rps / ceiling.rps
    return [
        Check(
            f"list 20 at c=64 >= {TARGET_LIST_RATIO:.0%} of the ceiling's req/s",
            f"{listing.rps:,.0f} / {ceiling.rps:,.0f} = {ratio:.0%}",
            ratio >= TARGET_LIST_RATIO,
        ),
        Check(
            f"list 20 at c=64: p99 < {TARGET_P99_MS:.0f} ms",
            f"{listing.p99_ms:.1f} ms",
            listing.p99_ms < TARGET_P99_MS,
        ),
    ]


def errors_anywhere(report: Report) -> Check:
    """No case answered 4xx or 5xx: a case that does measures its refusal, not its work."""
    failing = [f"{row.case} c={row.concurrency}" for row in report.current.rows if row.non_2xx]
    return Check("no case answered >= 400", ", ".join(failing) or "none did", not failing)


def create_errors(report: Report) -> list[Check]:
    create = report.current.find("create", 64)
    if not create:
        return []
    errors = create.non_2xx + create.socket_errors
    return [Check("create at c=64: zero errors on SQLite", f"{errors} of {create.requests:,}", errors == 0)]


def storm_health(report: Report) -> list[Check]:
    health = next((row for row in report.current.storm if row.case.startswith("storm: /health")), None)
    if not health:
        return []
    return [
        Check(
            f"/health p99 < {TARGET_P99_MS:.0f} ms during a c={STORM_LOGIN_CONCURRENCY} login storm",
            f"{health.p99_ms:.1f} ms",
            health.p99_ms < TARGET_P99_MS,
        )
    ]


def open_streams(report: Report) -> list[Check]:
    run = report.current.streams
    if run is None:
        return []
    checks = [
        Check(
            f"/health p99 < {TARGET_P99_MS:.0f} ms with {STREAMS} event streams open",
            f"{run.health.p99_ms:.1f} ms",
            run.health.p99_ms < TARGET_P99_MS,
        )
    ]
    if run.rss_before_mb is not None and run.rss_after_mb is not None:
        growth = run.rss_after_mb - run.rss_before_mb
        checks.append(
            Check(
                f"RSS growth < {TARGET_STREAMS_RSS_GROWTH_MB:.0f} MB with {STREAMS} event streams open",
                f"{run.rss_before_mb:.1f} -> {run.rss_after_mb:.1f} MB (+{growth:.1f}; "
                f"{run.events:,} events heard)",
                growth < TARGET_STREAMS_RSS_GROWTH_MB,
            )
        )
    return checks


def peak_rss(report: Report) -> list[Check]:
    """The worker's peak during the REST cases (each run's own peak: VmHWM is reset before it),
    and over the whole run, /mcp's cases included."""
    overall = report.current.peak_rss_mb
    rows = report.current.rows
    first_mcp = next((n for n, row in enumerate(rows) if row.case.startswith("MCP ")), len(rows))
    rest = [row.rss_mb for row in rows[:first_mcp] if row.rss_mb is not None]  # before /mcp loads
    checks = []
    if rest:
        checks.append(
            Check(
                f"peak RSS < {TARGET_RSS_MB:.0f} MB (one worker, REST only)",
                f"{max(rest):.1f} MB",
                max(rest) < TARGET_RSS_MB,
            )
        )
    if overall is not None:
        checks.append(
            Check(
                f"peak RSS < {TARGET_MCP_RSS_MB:.0f} MB (one worker, /mcp in use)",
                f"{overall:.1f} MB",
                overall < TARGET_MCP_RSS_MB,
            )
        )
    return checks


def cold_start(report: Report) -> Check:
    existing = report.current.cold.existing_median
    return Check(
        f"cold start < {TARGET_COLD_START_S} s on an existing database",
        f"{existing:.3f} s",
        existing < TARGET_COLD_START_S,
    )


def against_baseline(report: Report) -> list[Check]:
    """No case and concurrency of the current side (METRICS off) below 0.95x the baseline."""
    baseline = report.side("baseline")
    if baseline is None:
        return []
    target = f"no case below {TARGET_BASELINE_RATIO:.2f}x the baseline's req/s (METRICS off)"
    compared = pairs(report.current, baseline)
    found = lowest(compared)
    if found is None:
        return [Check(target, "no case ran on both sides", None)]
    pair, ratio = found
    count, few = len(counted(compared)), sum(1 for each in compared if each.few)
    measured = f"lowest {ratio:.2f}x: {pair.row.case} at c={pair.row.concurrency} ({count} compared"
    measured += f"; {few} with under {MIN_REQUESTS} requests not counted)" if few else ")"
    return [Check(target, measured, ratio >= TARGET_BASELINE_RATIO)]


def metrics_list(report: Report) -> list[Check]:
    """The cached list with METRICS=true, at every concurrency, at least 0.9x the baseline (the
    current side's, when the run has no baseline)."""
    metrics = report.side("metrics")
    if metrics is None:
        return []
    reference = report.side("baseline") or report.current
    name = "the baseline's" if reference.side.key == "baseline" else "the current side's (no baseline)"
    target = f"{CEILING_BESIDE} with METRICS=true >= {TARGET_METRICS_RATIO:.2f}x {name} req/s"
    found = lowest(pairs(metrics, reference), CEILING_BESIDE)
    if found is None:
        return [Check(target, f"{CEILING_BESIDE} did not run on both", None)]
    pair, ratio = found
    return [Check(target, f"lowest {ratio:.2f}x, at c={pair.row.concurrency}", ratio >= TARGET_METRICS_RATIO)]
