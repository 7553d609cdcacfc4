"""One side's figures over another's, per case and concurrency: the ratios of the report."""

from __future__ import annotations

from dataclasses import dataclass

from bench.results import SideResults
from bench.wrk import Row

# A run that completed fewer requests than this (login at bcrypt's pace in short runs) gives a
# ratio that a single request more or less moves by whole percents: shown, marked, not counted
# for the targets.
MIN_REQUESTS = 100


@dataclass(frozen=True)
class Pair:
    """A row of one side beside the same case and concurrency on the reference side."""

    row: Row
    reference: Row | None  # None: the reference side did not run it
    missing: str | None  # why the reference side lacks the case (n/a), when it does

    @property
    def ratio(self) -> float | None:
        """req/s over the reference's: above 1 is faster."""
        return over(self.row.rps, self.reference.rps if self.reference else None)

    @property
    def few(self) -> bool:
        """Whether either run completed fewer than MIN_REQUESTS requests."""
        return self.reference is not None and min(self.row.requests, self.reference.requests) < MIN_REQUESTS

    @property
    def cpu_ratio(self) -> float | None:
        """Server CPU per request over the reference's: below 1 is cheaper."""
        return over(self.row.cpu_ms, self.reference.cpu_ms if self.reference else None)


def over(value: float | None, reference: float | None) -> float | None:
    """value / reference, None when either is unknown or the reference is 0."""
    return value / reference if value is not None and reference else None


def pairs(side: SideResults, reference: SideResults) -> list[Pair]:
    """Each of the side's rows with the reference's for the same case and concurrency."""
    return [
        Pair(row, reference.find(row.case, row.concurrency), reference.missing.get(row.case))
        for row in side.rows
    ]


def lowest(compared: list[Pair], case: str | None = None) -> tuple[Pair, float] | None:
    """The pair with the lowest req/s ratio (of `case` only, when named), of those with enough
    requests; None when none has one."""
    ratios = [(pair, pair.ratio) for pair in counted(compared) if case is None or pair.row.case == case]
    known = [(pair, ratio) for pair, ratio in ratios if ratio is not None]
    return min(known, key=lambda item: item[1]) if known else None


def counted(compared: list[Pair]) -> list[Pair]:
    """The pairs the targets count: both sides ran it, with MIN_REQUESTS requests or more."""
    return [pair for pair in compared if pair.ratio is not None and not pair.few]
