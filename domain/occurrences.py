"""Where a recurrence rule's occurrences fall: its periods searched one by one, within a bound.

FREQ and INTERVAL step through periods (days, weeks, months or years from the series' start);
the BY parts pick days in each period, and BYSETPOS picks among those (RFC 5545, 3.3.10).
dateutil's rrule, which did this before, searches for the next occurrence up to the year 9999
whatever that costs: FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Thursday never occurs, and it looked
at every seventh day until 9999 (0.6 s of CPU) to say so; it has no way to stop sooner
(dateutil issue 1393). Here each day a period holds counts against MAX_DAYS_SEARCHED, and a
search that spends them all without finding an occurrence raises `SearchExhausted`.

The days picked are dateutil's (tests/unit/test_occurrences.py compares the two) but in one case,
where dateutil departs from the RFC: BYDAY with both plain and ordinal days (MO,1FR in a monthly
rule) is every Monday and the first Friday, where dateutil kept only days that were both.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

# What one search may look at: about 27 years of days (of February days alone, for a yearly
# rule with BYMONTH=2). A rule that picks a day every few years is found well within it, and
# the longest search costs about 10 ms of CPU.
MAX_DAYS_SEARCHED = 10_000
# A span of days, as their ordinals (dt.date.toordinal): a period holds one or a few.
Span = range
LAST_DAY = dt.date.max.toordinal()


class SearchExhausted(Exception):
    """The search looked at MAX_DAYS_SEARCHED days without finding the next occurrence."""


@dataclass(frozen=True)
class Pattern:
    """A rule's FREQ, INTERVAL and BY parts (weekdays: 0 is Monday; negative month days and
    ordinals count from the end)."""

    freq: str
    interval: int = 1
    months: frozenset[int] = frozenset()  # BYMONTH; empty: every month
    weekdays: frozenset[int] = frozenset()  # BYDAY without an ordinal
    nth_weekdays: frozenset[tuple[int, int]] = frozenset()  # BYDAY with one: (weekday, ordinal)
    monthdays: frozenset[int] = frozenset()  # BYMONTHDAY
    setpos: tuple[int, ...] = ()  # BYSETPOS

    def starting(self, start: dt.date) -> Pattern:
        """The pattern with the RFC's defaults taken from the series' start: a weekly rule
        without BYDAY falls on the start's weekday; a monthly or yearly one without BYDAY or
        BYMONTHDAY on its day of the month (and a yearly one without BYMONTH in its month)."""
        if self.weekdays or self.nth_weekdays or self.monthdays:
            return self
        if self.freq == "WEEKLY":
            return replace(self, weekdays=frozenset([start.weekday()]))
        if self.freq == "MONTHLY":
            return replace(self, monthdays=frozenset([start.day]))
        if self.freq == "YEARLY":
            months = self.months or frozenset([start.month])
            return replace(self, months=months, monthdays=frozenset([start.day]))
        return self


def after(pattern: Pattern, start: dt.datetime, until: dt.datetime | None = None) -> Iterator[dt.datetime]:
    """The occurrences strictly after `start` (naive; the series' anchor, whose time of day
    each occurrence takes) and up to `until`, in order, ending with the calendar (year 9999).
    Raises SearchExhausted once the search has looked at MAX_DAYS_SEARCHED days in all: reading past
    occurrences (a late completion's) counts too, so no caller can make it look further."""
    pattern = pattern.starting(start.date())
    time = start.time().replace(microsecond=0)
    last_day = LAST_DAY if until is None else until.date().toordinal()
    searched = 0
    for spans in periods(pattern, start.date()):
        if spans[0].start > last_day:
            return
        for day in picked(pattern, spans):
            moment = dt.datetime.combine(day, time)
            if until is not None and moment > until:
                return
            if moment > start:
                yield moment
        searched += sum(map(len, spans))
        if searched >= MAX_DAYS_SEARCHED:
            raise SearchExhausted


def periods(pattern: Pattern, start: dt.date) -> Iterator[list[Span]]:
    """The days of each period, from the one holding `start`, as spans: in a yearly rule with
    BYMONTH, only those months (they are also what an ordinal BYDAY counts in)."""
    step, first = pattern.interval, start.toordinal()
    if pattern.freq == "DAILY":
        for day in range(first, LAST_DAY + 1, step):
            yield [range(day, day + 1)]
    elif pattern.freq == "WEEKLY":
        for monday in range(first - start.weekday(), LAST_DAY - 5, 7 * step):  # whole weeks only
            yield [range(monday, monday + 7)]
    elif pattern.freq == "MONTHLY":
        for months in range(start.year * 12 + start.month - 1, (dt.MAXYEAR + 1) * 12, step):
            yield [month_span(months // 12, months % 12 + 1)]
    else:
        for year in range(start.year, dt.MAXYEAR + 1, step):
            if pattern.months:
                yield [month_span(year, month) for month in sorted(pattern.months)]
            else:
                yield [range(dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal() + 1)]


def month_span(year: int, month: int) -> Span:
    first = dt.date(year, month, 1).toordinal()
    return range(first, first + calendar.monthrange(year, month)[1])


def picked(pattern: Pattern, spans: list[Span]) -> list[dt.date]:
    """The days of one period that the rule picks, in order."""
    nth = nth_weekdays(pattern.nth_weekdays, spans) if pattern.nth_weekdays else set()
    days = [day for span in spans for day in map(dt.date.fromordinal, span) if keeps(pattern, day, nth)]
    if not pattern.setpos:
        return days
    indexes = (position - 1 if position > 0 else position for position in pattern.setpos)
    return sorted({days[index] for index in indexes if -len(days) <= index < len(days)})


def keeps(pattern: Pattern, day: dt.date, nth: set[dt.date]) -> bool:
    """Whether `day` passes BYMONTH, BYDAY (`nth`: the days its ordinals name) and BYMONTHDAY."""
    if pattern.months and day.month not in pattern.months:
        return False
    by_day = pattern.weekdays or pattern.nth_weekdays
    if by_day and day.weekday() not in pattern.weekdays and day not in nth:
        return False
    if pattern.monthdays:
        from_end = day.day - calendar.monthrange(day.year, day.month)[1] - 1
        return day.day in pattern.monthdays or from_end in pattern.monthdays
    return True


def nth_weekdays(ordinals: frozenset[tuple[int, int]], spans: list[Span]) -> set[dt.date]:
    """The days that ordinal BYDAY values name in each span (a month, or a yearly rule's year
    when it has no BYMONTH): 2MO is its second Monday, -1FR its last Friday."""
    found = set()
    for span in spans:
        first, last = span[0], span[-1]
        for weekday, ordinal in ordinals:
            if ordinal > 0:
                day = first + (ordinal - 1) * 7 + (weekday - dt.date.fromordinal(first).weekday()) % 7
            else:
                day = last - (-ordinal - 1) * 7 - (dt.date.fromordinal(last).weekday() - weekday) % 7
            if first <= day <= last:
                found.add(dt.date.fromordinal(day))
    return found
