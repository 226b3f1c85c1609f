"""Dates as people type them, resolved against a fixed Sunday, 22 November 2026."""

from datetime import date
from typing import Literal

import pytest

from commands.core.dates import parse_day
from commands.core.errors import UsageError

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("yesterday", date(2026, 11, 21)),
        ("today", SUNDAY),
        ("tomorrow", date(2026, 11, 23)),
        ("last tue", date(2026, 11, 17)),
        ("next friday", date(2026, 11, 27)),
        ("2026-11-20", date(2026, 11, 20)),
        ("  Yesterday ", date(2026, 11, 21)),
    ],
)
@pytest.mark.parametrize("prefer", ["past", "future"])
def test_unambiguous_days_ignore_preference(
    typed: str, expected: date, prefer: Literal["past", "future"]
) -> None:
    assert parse_day(typed, today=SUNDAY, prefer=prefer) == expected


def test_bare_weekday_means_the_last_one_when_past_is_preferred() -> None:
    assert parse_day("friday", today=SUNDAY, prefer="past") == date(2026, 11, 20)


def test_bare_weekday_means_the_next_one_when_future_is_preferred() -> None:
    assert parse_day("friday", today=SUNDAY, prefer="future") == date(2026, 11, 27)


def test_month_and_day_follow_the_preference() -> None:
    assert parse_day("dec 15", today=SUNDAY, prefer="future") == date(2026, 12, 15)
    assert parse_day("dec 15", today=SUNDAY, prefer="past") == date(2025, 12, 15)


def test_words_that_are_not_dates_are_refused_with_examples() -> None:
    with pytest.raises(UsageError) as err:
        parse_day("someday", today=SUNDAY, prefer="past", option="on")
    message = str(err.value)
    assert "`on:someday`" in message
    assert "yesterday" in message


def test_impossible_calendar_date_is_refused() -> None:
    with pytest.raises(UsageError, match="not a real date"):
        parse_day("2026-02-30", today=SUNDAY, prefer="past")


def test_empty_date_asks_for_one_naming_the_option() -> None:
    with pytest.raises(UsageError, match="`close:` needs a date"):
        parse_day("  ", today=SUNDAY, prefer="future", option="close")
