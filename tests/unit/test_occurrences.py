"""The bounded search for a rule's occurrences (domain/occurrences.py): it picks the
days dateutil's rrule picked (which the service used before), and gives up within its bound on
rules that dateutil searched up to the year 9999."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from dateutil.rrule import rrule, rrulestr
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

from domain.occurrences import MAX_DAYS_SEARCHED, SearchExhausted, after
from domain.recurrence import Rule, findable, next_occurrence

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
THURSDAY = dt.datetime(2026, 1, 1, 9)
UTC = zoneinfo.ZoneInfo("UTC")


@st.composite
def rules(draw: st.DrawFn) -> str:
    """Rules of the grammar the service runs (recurrence.parse_parts refuses the rest)."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.sampled_from([1, 2, 3, 4, 5, 7, 12, 13, 100]))}")
    in_month_or_year = freq in ("MONTHLY", "YEARLY")
    if draw(st.booleans()):
        # dateutil keeps only the days both plain and ordinal BYDAY values name (the RFC: either),
        # so a rule has one kind or the other here.
        if in_month_or_year and draw(st.booleans()):
            ordinals = st.integers(1, 5) | st.integers(-5, -1)
            days = [
                f"{draw(ordinals)}{draw(st.sampled_from(WEEKDAYS))}" for _ in range(draw(st.integers(1, 2)))
            ]
        else:
            days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
        parts.append("BYDAY=" + ",".join(days))
    if draw(st.booleans()):
        days_of_month = st.lists(st.integers(1, 31) | st.integers(-31, -1), min_size=1, max_size=2)
        parts.append("BYMONTHDAY=" + ",".join(map(str, draw(days_of_month))))
    if draw(st.booleans()):
        parts.append(
            "BYMONTH=" + ",".join(map(str, draw(st.lists(st.integers(1, 12), min_size=1, max_size=2))))
        )
    if in_month_or_year and len(parts) > 1 and draw(st.booleans()):
        positions = st.lists(st.integers(1, 4) | st.integers(-4, -1), min_size=1, max_size=2)
        parts.append("BYSETPOS=" + ",".join(map(str, draw(positions))))
    return ";".join(parts)


starts = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 12, 31))


@settings(max_examples=400, deadline=None)
@given(rules(), starts)
def test_the_search_finds_the_occurrences_dateutil_found(text: str, start: dt.datetime) -> None:
    try:
        rule = Rule(text)
    except ValueError:
        reject()
    try:
        ours = list(itertools.islice(after(rule.pattern, start), 5))
    except SearchExhausted:
        ours = []
    assume(ours)  # dateutil may take a second to find none
    # dateutil stops at UNTIL once it finds a day, so asking for no more than ours stays quick.
    theirs = rrulestr(text, dtstart=start)
    assert isinstance(theirs, rrule)
    assert list(itertools.islice(theirs.replace(until=ours[-1]).xafter(start), 5)) == ours


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",
        "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=31;BYSETPOS=1",
        "FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1",
        "FREQ=YEARLY;BYDAY=MO;BYSETPOS=366",
    ],
)
def test_a_rule_that_never_occurs_from_its_start_is_given_up_on(text: str) -> None:
    """dateutil looked at every period up to the year 9999 for these; the search stops once
    it has looked at MAX_DAYS_SEARCHED days."""
    with pytest.raises(SearchExhausted):
        next(Rule(text).occurrences(THURSDAY, UTC), None)
    assert not findable(text, "UTC", THURSDAY)
    assert next_occurrence(text, "UTC", THURSDAY, 1, THURSDAY) is None  # the series ends


def test_a_rare_rule_is_found_and_one_rarer_than_the_bound_is_not() -> None:
    leap_day = Rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")  # looks at February days only
    assert next(leap_day.occurrences(dt.datetime(2097, 3, 1, 9), UTC)) == dt.datetime(2104, 2, 29, 9)
    assert findable("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", "UTC", dt.datetime(2097, 3, 1, 9))
    # A Monday 29 February comes every 28 years or more: more days than a daily rule may look at.
    assert MAX_DAYS_SEARCHED < 28 * 365
    assert not findable("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "UTC", dt.datetime(2016, 3, 1, 9))
    assert findable("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "UTC", dt.datetime(2016, 3, 1, 9))


def test_a_search_counts_the_occurrences_it_reads_past() -> None:
    """A completion decades late reads every occurrence since the due date (COUNT numbers
    them): that too is bounded, and ends the series."""
    due = dt.datetime(1990, 1, 1, 9)
    assert next_occurrence("FREQ=DAILY", "UTC", due, 1, due + dt.timedelta(days=365)) is not None
    assert (
        next_occurrence("FREQ=DAILY", "UTC", due, 1, due + dt.timedelta(days=MAX_DAYS_SEARCHED + 1)) is None
    )


def test_the_calendar_ends_a_series() -> None:
    for text in ("FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY", "FREQ=YEARLY"):
        last = dt.datetime(9999, 12, 31, 9)
        assert next_occurrence(text, "UTC", last, 1, last) is None
        assert findable(text, "UTC", last)
