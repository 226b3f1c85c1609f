"""The demo's time: a clock that only moves forward, and the working days its story spans."""

from __future__ import annotations

from datetime import date, datetime, timedelta

WORKING_DAYS = 30  # six weeks of Monday to Friday


class DemoClock:
    """The demo's clock: it only moves forward, to the moments the story says."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


def add_working_days(day: date, n: int) -> date:
    """The working day `n` working days after (or before) the working day `day`."""
    weeks, rest = divmod(day.weekday() + n, 5)
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks, days=rest)


def working_days(today: date, count: int = WORKING_DAYS) -> list[date]:
    """The last `count` Monday-to-Friday dates up to and including `today`."""
    last = today - timedelta(days=max(0, today.weekday() - 4))
    first = add_working_days(last, -(count - 1))
    return [add_working_days(first, i) for i in range(count)]


def simulated_week(today: date) -> date:
    """The Monday of the simulated week: the last Monday-to-Friday over before `today`, so
    that the demo's whole story lies in the past."""
    monday = today - timedelta(days=today.weekday())
    return monday if today.weekday() >= 5 else monday - timedelta(days=7)


def history_days(today: date) -> list[date]:
    """The history's working days: six weeks up to the Friday before the simulated week."""
    return working_days(simulated_week(today) - timedelta(days=3))
