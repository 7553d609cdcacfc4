"""One side's figures over another's, per case and concurrency: the ratios of the report."""

from __future__ import annotations

from dataclasses import dataclass

from bench.results import SideResults
from bench.wrk import Row


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
    """The pair with the lowest req/s ratio (of `case` only, when named); None when none has one."""
    ratios = [(pair, pair.ratio) for pair in compared if case is None or pair.row.case == case]
    known = [(pair, ratio) for pair, ratio in ratios if ratio is not None]
    return min(known, key=lambda item: item[1]) if known else None
