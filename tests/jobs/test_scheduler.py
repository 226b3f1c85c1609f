"""The APScheduler wrapping: one in-memory job, every minute, coalesced, never overlapping."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.triggers.interval import IntervalTrigger

from jobs.scheduler import TICK_JOB_ID, make_scheduler
from tests.conftest import NOW


class FakeTicker:
    def __init__(self, fail: bool = False) -> None:
        self.ticks: list[datetime] = []
        self.fail = fail

    def tick(self, now: datetime) -> Any:
        self.ticks.append(now)
        if self.fail:
            raise RuntimeError("database went away")


def test_the_ticker_runs_every_minute_from_start() -> None:
    ticker = FakeTicker()
    scheduler = make_scheduler(ticker, lambda: NOW)  # type: ignore[arg-type]
    [job] = scheduler.get_jobs()
    assert job.id == TICK_JOB_ID and job.coalesce is True and job.max_instances == 1
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == timedelta(minutes=1)
    assert job.next_run_time == NOW  # at once: catch up on what was missed while down
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    job.func()
    assert ticker.ticks == [NOW]


def test_a_failing_pass_is_logged_and_ticking_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    ticker = FakeTicker(fail=True)
    [job] = make_scheduler(ticker, lambda: NOW).get_jobs()  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="jobs.scheduler"):
        job.func()
    assert "ticker pass failed" in caplog.text and ticker.ticks == [NOW]
