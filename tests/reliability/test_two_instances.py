"""Two bot instances (two processes) on one PostgreSQL through a whole simulated working day:
every stand-up prompt, reminder, summary, late answer, blocker flag, digest and warning goes
out exactly once between them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from storage.models import DeliveryStatus
from tests.conftest import PG_URL, Chat, Clock
from tests.jobs.recording import deliveries, set_timezone, utc

ROOT = Path(__file__).resolve().parents[2]
# Monday 23 Nov 2026 in Shanghai, 08:00 to 16:00 (Monday 00:00 to 08:00 UTC): the digest at
# 08:30, the stand-up from 09:30 to 11:30, warning checks at 10:00 and 15:00.
DAY_START = utc(2026, 11, 23, 0, 0)
DAY_END = utc(2026, 11, 23, 8, 0)


def local(hour: int, minute: int = 0) -> datetime:
    """Monday 23 Nov at hour:minute in Shanghai, in UTC."""
    return utc(2026, 11, 23, hour - 8, minute)


class Instance:
    """A worker process (tests/reliability/day_worker.py) ticking on command."""

    def __init__(self, name: str, db_url: str, tmp: Path) -> None:
        self.name = name
        self.record = tmp / f"{name}.jsonl"
        self.errors: IO[str] = open(tmp / f"{name}.stderr", "w+")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.day_worker", db_url, str(self.record),
             name], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.errors, text=True)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def answer(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("ok"):
            self.errors.seek(0)
            raise AssertionError(f"instance {self.name}: {line or 'exited'}\n"
                                 f"{self.errors.read()[-3000:]}")
        return line

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.send("quit")
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.errors.close()

    def posts(self) -> list[dict[str, Any]]:
        if not self.record.exists():
            return []
        return [json.loads(x) for x in self.record.read_text().splitlines()]


@pytest.fixture
def instances(db_url: str, tmp_path: Path) -> Iterator[list[Instance]]:
    started = [Instance(name, db_url, tmp_path) for name in ("one", "two")]
    try:
        yield started
    finally:
        for i in started:
            if not i.errors.closed:
                i.stop()


def the_week_so_far(team: Chat, clock: Clock) -> None:
    """East in Shanghai: a stand-up since Friday (alice was blocked then), a November target
    far from reached (so warnings fire), everyone's timezone Shanghai (digest at 08:30)."""
    for user in ("UMIA", "UALICE", "UBOB"):
        set_timezone(team.deps.session_factory, user, "Asia/Shanghai")
    clock.now = utc(2026, 11, 20, 0, 0)  # Friday 08:00
    team.say("mia", "/standup config time:09:30 days:mon-fri window:2h reminder:30m")
    clock.now = utc(2026, 11, 20, 1, 40)
    team.say("alice", '/standup answer yesterday:"calls" today:"demo" blockers:"legal review"')
    clock.now = utc(2026, 11, 22, 9, 0)  # Sunday
    team.say("mia", "/target set team revenue 1M month:2026-11")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      "stage:proposal close:2026-12-15")


@pytest.mark.skipif(not PG_URL, reason="SALESBOT_TEST_DATABASE_URL is not set; PostgreSQL "
                    "tests skipped (SQLite is one process's embedded database: two instances "
                    "on one SQLite file is not a supported deployment)")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_instances_through_a_working_day_send_everything_exactly_once(
        team: Chat, clock: Clock, instances: list[Instance]) -> None:
    the_week_so_far(team, clock)
    # What people do during the day, at the minute it happens (before that minute's tick).
    day: dict[datetime, Callable[[], object]] = {
        local(9, 40): lambda: team.say(
            "alice", '/standup answer yesterday:"Acme demo" today:"quote" '
                     'blockers:"legal review still"'),
        local(12, 5): lambda: team.say(  # after the 11:30 summary: a late answer
            "bob", '/standup answer yesterday:"calls" today:"visits" blockers:none'),
    }
    at = DAY_START
    while at <= DAY_END:
        if at in day:
            clock.now = at
            day[at]()
        for i in instances:  # both tick the same minute at the same time
            i.send(f"tick {at.isoformat()}")
        for i in instances:
            i.answer()
        at += timedelta(minutes=1)
    for i in instances:
        i.stop()

    posts = [p for i in instances for p in i.posts()]
    rows = list(deliveries(team.deps.session_factory).values())
    # Nothing twice: no message posted twice, by one instance or by both.
    twice = [k for k, n in Counter((p["type"], p["to"], p["about"], p["content"])
                                   for p in posts).items() if n > 1]
    assert twice == []
    # Nothing lost or left hanging, and every post is one counted by its delivery.
    assert {r.status for r in rows} <= {DeliveryStatus.SENT, DeliveryStatus.SKIPPED}, \
        [(r.key, r.status, r.last_error) for r in rows if r.status != DeliveryStatus.SENT]
    assert sum(r.parts_sent for r in rows) == len(posts)
    sent = Counter(r.kind for r in rows if r.status == DeliveryStatus.SENT)
    assert sent == {"standup_prompt": 3, "standup_reminder": 2, "standup_summary": 1,
                    "standup_blocker": 1, "standup_late": 1, "digest": 1,
                    "warning_check": sent["warning_check"],
                    "forecast_prompt": 2, "forecast_reminder": 2}  # the reps, 10:00 and 15:00
    assert sent["warning_check"] >= 1
    got = Counter((p["type"], p["to"]) for p in posts)
    assert got == {
        ("DigestPost", "DUMIA"): 1, ("FileUpload", "DUMIA"): 1,  # Monday 08:30
        ("StandupPrompt", "DUMIA"): 2, ("StandupPrompt", "DUALICE"): 1,  # 09:30, and 10:00
        ("StandupPrompt", "DUBOB"): 2,  # reminders to those who had not answered
        ("WarningPost", "C0EAST"): sent["warning_check"],  # 10:00 (and 15:00 if worse)
        ("StandupSummaryPost", "C0EAST"): 1,  # 11:30, alice's answer in its thread
        ("BlockerFlag", "DUMIA"): 1,  # alice blocked two stand-ups running
        ("StandupAnswerPost", "C0EAST"): 2,  # alice's, and bob's late one at 12:05
        ("ForecastPrompt", "DUALICE"): 2, ("ForecastPrompt", "DUBOB"): 2,  # 10:00, 15:00
    }
    # Replies went into the thread of the summary, whichever instance posted which.
    [summary] = [p for p in posts if p["type"] == "StandupSummaryPost"]
    assert [p["thread_ts"] for p in posts if p["type"] == "StandupAnswerPost"] == \
        [summary["ts"]] * 2
