"""Plan periods: parsing, nesting, ISO weeks and working days, on fixed dates."""

from __future__ import annotations

from datetime import date

import pytest

from commands.core.errors import UsageError
from commands.core.periods import (
    Period,
    parse_period,
    period_containing,
    same_period_last_year,
    working_day_progress,
    working_days,
)

CHRISTMAS = {date(2026, 12, 25)}


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("year:2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("quarter:2026-Q4", "quarter", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("2026-q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("month:2026-12", "month", date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
        ("2026-02", "month", date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("week:2026-W49", "week", date(2026, 11, 30), date(2026, 12, 6), "2026-W49"),
        ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
        ("day:2026-12-01", "day", date(2026, 12, 1), date(2026, 12, 1), "2026-12-01"),
        ("  Month:2026-12 ", "month", date(2026, 12, 1), date(2026, 12, 31), "2026-12"),
    ],
)
def test_parse_period(text: str, kind: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "period is missing"),
        ("fortnight:2026-3", "`fortnight` is not a kind of period"),
        ("month:2026-Q4", "is not a month. Try month:2026-12"),
        ("month:2026-13", "a month is 01 to 12"),
        ("quarter:2026-Q5", "a quarter is Q1 to Q4"),
        ("week:2025-W53", "2025 has ISO weeks W01 to W52"),
        ("2026-02-30", "is not a real date"),
        ("next month", "is not a period I understand"),
        ("0999", "plans cover the years"),
    ],
)
def test_parse_period_explains_mistakes(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_period(text)
    assert says in caught.value.message


def test_pyramid_year_quarters_months_days() -> None:
    year = parse_period("2026")
    assert [q.label for q in year.children()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    q4 = year.children()[3]
    assert [m.label for m in q4.children()] == ["2026-10", "2026-11", "2026-12"]
    december = q4.children()[2]
    days = december.children()
    assert len(days) == 31 and days[0].label == "2026-12-01" and days[-1].kind == "day"
    assert days[-1].children() == []


def test_weeks_of_a_month_are_iso_weeks_clipped_to_it() -> None:
    weeks = parse_period("2026-12").weeks()
    assert [w.label for w in weeks] == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert (weeks[0].start, weeks[0].end) == (date(2026, 12, 1), date(2026, 12, 6))
    assert (weeks[-1].start, weeks[-1].end) == (date(2026, 12, 28), date(2026, 12, 31))


def test_december_2026_has_22_working_days_with_christmas_off() -> None:
    # 31 days, 8 weekend days (5-6, 12-13, 19-20, 26-27), Christmas on a Friday.
    december = parse_period("2026-12")
    assert len(december.working_days()) == 23
    days = december.working_days(CHRISTMAS)
    assert len(days) == 22
    assert date(2026, 12, 25) not in days and date(2026, 12, 5) not in days
    assert days[-1] == date(2026, 12, 31)


def test_working_days_of_an_empty_or_weekend_range() -> None:
    assert working_days(date(2026, 12, 5), date(2026, 12, 6), set()) == []
    assert working_days(date(2026, 12, 2), date(2026, 12, 1), set()) == []


def test_period_containing() -> None:
    day = date(2026, 11, 22)
    assert period_containing("year", day).label == "2026"
    assert period_containing("quarter", day).label == "2026-Q4"
    assert period_containing("month", day).label == "2026-11"
    assert period_containing("week", day).label == "2026-W47"
    assert period_containing("day", day) == Period.of_day(day)
    assert period_containing("week", date(2027, 1, 1)).label == "2026-W53"


def test_same_period_last_year() -> None:
    assert same_period_last_year(parse_period("2026-Q4")).label == "2025-Q4"
    assert same_period_last_year(parse_period("2026-12")).label == "2025-12"
    assert same_period_last_year(parse_period("2026-W53")).label == "2025-W52"
    assert same_period_last_year(parse_period("2028-02-29")).label == "2027-02-28"


def test_working_day_progress_counts_today_as_remaining() -> None:
    # Monday 2026-12-14: 9 working days done (1-4, 7-11), 13 left with Christmas off.
    progress = working_day_progress(parse_period("2026-12"), date(2026, 12, 14), CHRISTMAS)
    assert (progress.elapsed, progress.remaining, progress.total) == (9, 13, 22)
    after = working_day_progress(parse_period("2026-12"), date(2027, 1, 4), CHRISTMAS)
    assert (after.elapsed, after.remaining) == (22, 0)
