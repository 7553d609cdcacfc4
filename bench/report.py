"""The Markdown report: printed, and written to bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Callable
from pathlib import Path

from bench.cases import SEARCH_QUERY, STORM_HEALTH_CONCURRENCY, STORM_LOGIN_CONCURRENCY
from bench.compare import MIN_REQUESTS, over
from bench.paths import ROOT
from bench.results import Report, SideResults
from bench.revisions import Side, package_versions
from bench.seeding import READER_TASKS
from bench.streams import STREAMS, WRITE_INTERVAL
from bench.targets import targets
from bench.wrk import Row


def markdown(report: Report) -> str:
    lines = [
        *header(report),
        *throughput(report),
        *side_by_side(report),
        *cold_start(report),
        *targets_table(report),
    ]
    return "\n".join(lines) + "\n"


def header(report: Report) -> list[str]:
    ran = report.started.strftime("%Y-%m-%d %H:%M UTC")
    share = report.others_cpu / (report.seconds * (os.cpu_count() or 1))
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {ran}, app at `{report.current.side.revision}`{baseline_note(report)}, "
        f"{report.duration:g} s per wrk run, whole run {report.seconds / 60:.1f} min.",
        "",
        f"Machine: {machine(report.current.side)}. "
        "The load generator (wrk, one thread) shares the machine with the server.",
        "",
        *baseline_venv(report),
        f"Other processes used {report.others_cpu:.0f} CPU-seconds during the run "
        f"({share:.0%} of the machine's capacity): figures from a busy machine are low and noisy.",
        "",
        "Reproduce: `make bench` (or `bench/run.sh --duration 10`); bench/README.md says what it does."
        + (f" This run: `bench/run.sh {report.command}`." if report.command else ""),
        "",
    ]
    return lines


def baseline_note(report: Report) -> str:
    baseline = report.side("baseline")
    return f", side by side with the baseline `{baseline.side.revision}`" if baseline else ""


def baseline_venv(report: Report) -> list[str]:
    baseline = report.side("baseline")
    if baseline is None or not baseline.side.own_venv:
        return []
    venv = baseline.side.bin_dir.parent.relative_to(ROOT)
    versions = ", ".join(package_versions(baseline.side.python))
    return [
        f"The baseline's requirements.txt differs: it ran in a venv of its own (`{venv}`): {versions}.",
        "",
    ]


def machine(side: Side) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0]
    return (
        f"{os.cpu_count()} vCPU {cpu}, {memory_kb / 1024**2:.0f} GiB RAM, Linux {platform.release()}; "
        f"Python {platform.python_version()}, {', '.join(package_versions(side.python))}; "
        f"{wrk_version.strip()}"
    )


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def times(value: float | None) -> str:
    """A ratio as the report prints it."""
    return "-" if value is None else f"{value:.2f}"


def table(rows: tuple[Row, ...], ceiling: tuple[Row, ...]) -> list[str]:
    """Every run of one side: the full figures, and req/s over the ceiling's."""
    lines = [
        "| case | c | req/s | vs ceiling | p50 ms | p99 ms | non-2xx | socket errors | peak RSS MB "
        "| server CPU ms/req |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ceiling_rps = {row.concurrency: row.rps for row in ceiling}
    for row in rows:
        lines.append(
            f"| {row.case} | {row.concurrency} | {fmt(row.rps)} | "
            f"{times(over(row.rps, ceiling_rps.get(row.concurrency)))} | {fmt(row.p50_ms, 2)} | "
            f"{fmt(row.p99_ms, 2)} | {row.non_2xx} | {row.socket_errors} | {fmt(row.rss_mb)} | "
            f"{fmt(row.cpu_ms, 2)} |"
        )
    return lines


def throughput(report: Report) -> list[str]:
    current = report.current
    return [
        "## Throughput and latency",
        "",
        "One uvicorn worker (`"
        + " ".join(current.side.flags)
        + "`), "
        + (
            "SQLite in a temporary DATA_DIR. "
            if report.database == "sqlite"
            else "PostgreSQL (a server started for the run, fsync on; a database per server). "
        )
        + f"`list 20` is `GET /api/tasks?limit=20` of a user with {READER_TASKS} tasks; `list filter+search` "
        f"is `GET /api/tasks?{SEARCH_QUERY}` over the same {READER_TASKS}; get, patch and complete "
        "rotate over existing tasks; create posts a task with two tags and a due date; login is bcrypt "
        "cost 12. `vs ceiling` is req/s over the bare Starlette app's at the same concurrency. "
        "`non-2xx` counts responses >= 400; socket errors are wrk's connect/read/write/timeout "
        "errors. Peak RSS is the server's VmHWM during that run. Server CPU ms/req is the CPU time "
        "(user + system, all threads) the server used during the run over the requests wrk completed: "
        "it varies less than req/s when something else loads the machine.",
        "",
        *table(current.rows, report.ceiling),
        "",
        "### Ceiling: bare Starlette, the same 20-task JSON as constant bytes",
        "",
        *table(report.ceiling, report.ceiling),
        "",
        f"### Login storm: login at c={STORM_LOGIN_CONCURRENCY} and /health at "
        f"c={STORM_HEALTH_CONCURRENCY}, at the same time",
        "",
        *table(current.storm, ()),
        "",
        *streams_section(current),
    ]


def streams_section(current: SideResults) -> list[str]:
    run = current.streams
    if run is None:
        return []
    return [
        f"### {STREAMS} event streams open: /health beside them, a task created every {WRITE_INTERVAL} s",
        "",
        *table((run.health,), ()),
        "",
        f"The worker's resident set: {run.rss_before_mb} MB before the streams opened, {run.rss_after_mb} MB "
        f"with them open; they heard {run.events:,} events.",
        "",
    ]


def reference(report: Report) -> SideResults | None:
    """The side the others are compared with: the baseline, else (METRICS=true alone) the current."""
    if report.side("baseline"):
        return report.side("baseline")
    return report.current if len(report.sides) > 1 else None


def side_by_side(report: Report) -> list[str]:
    ref = reference(report)
    if ref is None:
        return []
    others = [each for each in report.sides if each is not ref]
    lines = [
        f"## Against the {ref.side.title}" + ("" if ref.side.key == "baseline" else " side"),
        "",
        f"{described(report)} Each ran on its own server and database, seeded alike; each case and "
        "concurrency ran on every side back to back, the sides taking turns at going first, so that "
        f"the machine's drift over the run hits them alike. `ratio` is a side's req/s over the "
        f"{ref.side.title}'s for the same case and concurrency: above 1.00 is faster. `CPU ratio` is "
        f"its server CPU ms/req over the {ref.side.title}'s: below 1.00 is cheaper (it is less "
        f"disturbed by other load on the machine than req/s). n/a: the {ref.side.title} lacks the "
        f"case; -: the side did not run it; *: a run of fewer than {MIN_REQUESTS} requests, whose ratio "
        "one request more or less moves by whole percents (not counted for the targets)."
        + (
            " `vs current`: METRICS=true req/s over the current side's."
            if report.side("metrics") and ref is not report.current
            else ""
        ),
        "",
        *ratio_table(report, ref, others),
        *missing_notes(report),
        "",
        *summary_table(ref, others),
        "",
    ]
    for each in [ref, *others]:
        if each is report.current:
            continue
        title = each.side.title[0].upper() + each.side.title[1:]
        lines += [f"### {title} `{each.side.revision}`: every case", ""]
        lines += [*table(each.rows, report.ceiling), ""]
        if each.storm:
            lines += ["Its login storm (as above):", "", *table(each.storm, ()), ""]
    return lines


def described(report: Report) -> str:
    names = [f"{each.side.title} `{each.side.revision}`" for each in report.sides]
    return "Side by side: " + ", ".join(names) + "."


def ratio_table(report: Report, ref: SideResults, others: list[SideResults]) -> list[str]:
    """Per case and concurrency: the reference's req/s and p99, then each other side's with its
    ratios; the METRICS=true side also over the current side's (what the metrics alone cost)."""
    head = f"| case | c | {ref.side.title} req/s | {ref.side.title} p99 ms |"
    rule = "| --- | ---: | ---: | ---: |"
    for each in others:
        head += f" {each.side.title} req/s | ratio | {each.side.title} p99 ms | CPU ratio |"
        rule += " ---: | ---: | ---: | ---: |"
        if beside_current(report, ref, each):
            head += " vs current |"
            rule += " ---: |"
    lines = [head, rule]
    for case, concurrency in keys(report):
        base = ref.find(case, concurrency)
        absent = "n/a" if case in ref.missing else "-"
        line = f"| {case} | {concurrency} | "
        line += f"{fmt(base.rps)} | {fmt(base.p99_ms, 2)} |" if base else f"{absent} | {absent} |"
        for each in others:
            row = each.find(case, concurrency)
            extra = beside_current(report, ref, each)
            if row is None:
                line += " - | - | - | - |" + (" - |" if extra else "")
                continue
            few = "*" if base and min(row.requests, base.requests) < MIN_REQUESTS else ""
            ratio = times(over(row.rps, base.rps)) + few if base else absent
            cpu = times(over(row.cpu_ms, base.cpu_ms)) + few if base else absent
            line += f" {fmt(row.rps)} | {ratio} | {fmt(row.p99_ms, 2)} | {cpu} |"
            if extra:
                plain = report.current.find(case, concurrency)
                line += f" {times(over(row.rps, plain.rps if plain else None))} |"
        lines.append(line)
    return lines


def beside_current(report: Report, ref: SideResults, each: SideResults) -> bool:
    """Whether the side also gets a ratio to the current side: METRICS=true, against a baseline."""
    return each.side.metrics and ref is not report.current


def keys(report: Report) -> list[tuple[str, int]]:
    """Every (case, concurrency) any side ran, in the order of the run."""
    seen: dict[tuple[str, int], None] = {}
    for each in report.sides:
        for row in each.rows:
            seen.setdefault((row.case, row.concurrency), None)
    return list(seen)


def missing_notes(report: Report) -> list[str]:
    notes = [
        f"- n/a on the {each.side.title} side: {case} ({reason})"
        for each in report.sides
        for case, reason in each.missing.items()
    ]
    return ["", *notes] if notes else []


Measure = tuple[str, int, Callable[[SideResults], float | None]]  # name, digits, value of a side


def summary_table(ref: SideResults, others: list[SideResults]) -> list[str]:
    """Cold start, peak RSS and the storm's /health p99, each over the reference's."""
    measures: list[Measure] = [
        ("cold start, fresh database (median s)", 3, lambda each: each.cold.fresh_median),
        ("cold start, existing database (median s)", 3, lambda each: each.cold.existing_median),
        # the METRICS=true side runs a few cases and no storm: its whole-run peak is not comparable
        ("peak RSS over the run (MB)", 1, lambda each: None if each.side.metrics else each.peak_rss_mb),
        ("/health p99 during the login storm (ms)", 2, storm_health_p99),
    ]
    if any(each.side.metrics for each in others):
        # the resident set grows with what a server has done: only this point is alike on all sides
        name = "peak RSS after start-up and seeding (MB)"
        measures.insert(3, (name, 1, lambda each: each.seeded_rss_mb))
    head = f"| | {ref.side.title} |" + "".join(f" {each.side.title} | ratio |" for each in others)
    lines = [head + " better |", "| --- | ---: |" + " ---: | ---: |" * len(others) + " --- |"]
    for name, digits, value_of in measures:
        base = value_of(ref)
        line = f"| {name} | {fmt(base, digits)} |"
        for each in others:
            value = value_of(each)
            line += f" {fmt(value, digits)} | {times(over(value, base))} |"
        lines.append(line + " lower |")
    return lines


def storm_health_p99(each: SideResults) -> float | None:
    return next((row.p99_ms for row in each.storm if row.case.startswith("storm: /health")), None)


def cold_start(report: Report) -> list[str]:
    several = len(report.sides) > 1
    runs = len(report.current.cold.fresh)
    lines = [
        "## Cold start",
        "",
        f"Seconds from spawning `uvicorn router:app` to the first 200 from /health (polled every 10 ms), "
        f"median of {runs}" + (", the sides taking turns." if several else "."),
        "",
        "| side | database | median s | runs s |" if several else "| database | median s | runs s |",
        "| --- | --- | ---: | --- |" if several else "| --- | ---: | --- |",
    ]
    for each in report.sides:
        side = f"{each.side.title} | " if several else ""
        for database, values, median in (
            ("fresh (migrations applied)", each.cold.fresh, each.cold.fresh_median),
            ("existing", each.cold.existing, each.cold.existing_median),
        ):
            lines.append(
                f"| {side}{database} | {median:.3f} | " + ", ".join(f"{value:.3f}" for value in values) + " |"
            )
    return [*lines, ""]


def targets_table(report: Report) -> list[str]:
    lines = ["## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    for check in targets(report):
        met = "-" if check.met is None else ("yes" if check.met else "NO")
        lines.append(f"| {check.target} | {check.measured} | {met} |")
    return lines
