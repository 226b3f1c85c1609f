"""The once-a-minute ticker on APScheduler, started by `salesbot run`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from jobs.ticker import Ticker

log = logging.getLogger(__name__)

TICK_JOB_ID = "salesbot-ticker"


def make_scheduler(ticker: Ticker, clock: Callable[[], datetime]) -> BackgroundScheduler:
    """A scheduler that runs `ticker.tick(clock())` every minute, first right at start.

    The job store is in memory: what is due lives in the database, so nothing about the
    schedule needs persisting, and every instance runs its own ticker. A tick that overruns
    is not run twice at once (max_instances=1) and missed runs collapse into one (coalesce).
    """
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()}, timezone=UTC)

    def tick() -> None:
        """Run one pass of the ticker at the current time."""
        try:
            ticker.tick(clock())
        except Exception:  # keep ticking; the next pass retries what this one could not do
            log.exception("ticker pass failed")

    scheduler.add_job(tick, IntervalTrigger(minutes=1, timezone=UTC), id=TICK_JOB_ID,
                      name="salesbot ticker", coalesce=True, max_instances=1,
                      misfire_grace_time=50, next_run_time=clock())
    return scheduler
