"""`salesbot demo` from start to end: the history, the simulated week, the console session."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from commands.core.i18n import t, tn
from demo.history import build_demo
from demo.session import console_session
from demo.team import TIMEZONE
from demo.week import run_week


def run_demo(db: Path, chart: Path, *, clock: Callable[[], datetime],
             prepare: Callable[[str], None], out: TextIO) -> str:
    """Build the demo team in a fresh SQLite file at `db`, replay its last week on the real
    ticker (the digest's chart goes to `chart`), then run the console session today, all
    printed to `out`; returns the database's URL.

    Args:
        clock: the real clock; "today" is its date in the team's time zone.
        prepare: migrates the empty database at the URL it is given.
    """
    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    prepare(url)
    today = clock().astimezone(ZoneInfo(TIMEZONE)).date()  # the demo team's today
    _say(out, t("== The demo team: six weeks of history =="))
    _say(out, t("Building the demo team in {path} (six weeks of visits and deals)...", path=db))
    summary = build_demo(url, today=today)
    _say(out, "  " + t(
        "{people}, {customers}, {activities}, {deals} ({won} won, {lost} lost) in {seconds}s",
        people=tn("{n} person", "{n} people", summary.members),
        customers=tn("{n} customer", "{n} customers", summary.customers),
        activities=tn("{n} activity", "{n} activities", summary.activities),
        deals=tn("{n} deal", "{n} deals", summary.deals), won=summary.won, lost=summary.lost,
        seconds=_seconds(started)) + "\n")
    week_started = time.monotonic()
    run_week(url, today=today, out=out, chart=chart)
    _say(out, t("(the week took {seconds}s)", seconds=_seconds(week_started)) + "\n")
    _say(out, t("== A console session today: commands as typed in Slack, and the replies =="))
    console_session(url, clock=clock, out=out)
    _say(out, t("(the whole demo took {seconds}s)", seconds=_seconds(started)) + "\n")
    return url


def _seconds(since: float) -> str:
    return f"{time.monotonic() - since:.1f}"


def _say(out: TextIO, line: str) -> None:
    out.write(line + "\n")
    out.flush()
