"""The demo: a believable team built through the real commands, the same way every time, and
a console script that works on it."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.demo import CHANNEL_ID, DEMO_SCRIPT, TEAM_ID, build_demo, working_days
from bot.dispatch import Caller, Deps, execute
from commands.errors import UsageError
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import Activity, Customer, Deal, DealHistory, Member
from tests.conftest import Clock

TODAY = date(2026, 11, 20)  # a Friday
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_demo_team_has_six_weeks_of_history_and_the_script_runs_on_it(db_url: str) -> None:
    summary = build_demo(db_url, today=TODAY)
    assert summary.members == 6  # mia and five reps
    assert summary.customers == 40
    assert 350 <= summary.activities <= 560
    assert 35 <= summary.deals <= 90
    assert 4 <= summary.won <= 25 and 4 <= summary.lost <= 25

    engine = make_engine(db_url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            tiers = Counter(session.scalars(select(Customer.tier)))
            assert (tiers["A"], tiers["B"], tiers["C"]) == (8, 12, 20)
            days = set(working_days(TODAY))
            assert len(days) == 30 and max(days) == TODAY
            per_rep_day = Counter((name, day) for name, day in session.execute(
                select(Member.name, Activity.occurred_on)
                .join(Member, Member.id == Activity.member_id)
            ))
            assert {day for _, day in per_rep_day} == days  # every working day, no weekend
            assert {name for name, _ in per_rep_day} == {"alice", "bob", "chen", "dana", "eli"}
            assert set(per_rep_day.values()) <= {2, 3, 4}
            per_rep = Counter(name for name, _ in per_rep_day.elements())
            assert per_rep["alice"] > per_rep["eli"]  # reps differ, so their reports will
            for logged in session.scalars(select(Activity.logged_at)):
                local = logged.astimezone(SHANGHAI)
                assert local.date() in days and 8 <= local.hour < 18
            closed = session.execute(
                select(Deal.stage, Deal.closed_at, Deal.lost_reason)
                .where(Deal.stage.in_(("won", "lost")))
            ).all()
            assert all(closed_at is not None for _, closed_at, _ in closed)
            assert all(reason for stage, _, reason in closed if stage == "lost")
            pushed = session.scalar(
                select(DealHistory.id).where(DealHistory.field == "close",
                                             DealHistory.old_value.is_not(None)).limit(1)
            )
            assert pushed is not None  # some close dates were pushed
            owners = {number: name for number, name in session.execute(
                select(Deal.number, Member.name).join(Member, Member.id == Deal.owner_id)
            )}
            open_deals = set(session.scalars(
                select(Deal.number).where(Deal.stage.not_in(("won", "lost")))
            ))

        for user, line in DEMO_SCRIPT:
            for number in map(int, re.findall(r"\bD-(\d+)\b", line)):
                assert number in open_deals, line
                assert user == "mia" or owners[number] == user, line

        deps = Deps(factory, Clock(datetime(2026, 11, 20, 18, 30, tzinfo=SHANGHAI)))
        mistakes: list[tuple[str, str]] = []
        replies: dict[str, str] = {}
        for user, line in DEMO_SCRIPT:
            command, _, text = line.lstrip("/").partition(" ")
            caller = Caller(TEAM_ID, f"U{user.upper()}", CHANNEL_ID, user)
            try:
                reply = execute(deps, caller, command, text)
            except UsageError as exc:
                mistakes.append((line, exc.message))
            else:
                assert reply is not None and reply.plain(), line
                replies[line] = reply.plain()
        [(line, message)] = mistakes
        # the plan engine over the demo: targets, the activity plan, pipeline and scorecard
        assert "2026-Q4: target 36,000,000 CNY" in replies["/target show team"]
        assert "Activity plan for East, 2026-11" in replies["/plan team"]
        assert "Rates from the team's last 180 days" in replies["/plan team"]
        assert "Pipeline of East" in replies["/pipeline team"]
        report = replies["/sales report month team"]
        assert "Scorecard of East, 2026-11" in report and "visits: " in report
        assert "Leaderboard of East" in replies["/sales leaderboard"]
        assert "did you mean" in message.lower()
        assert '"Jiangsu Tianrun Steel"' in message
    finally:
        engine.dispose()


def _fingerprint(url: str) -> dict[str, list[Any]]:
    """Everything the demo wrote that a person could see, in the order it was written."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return {
                "activities": [tuple(row) for row in session.execute(
                    select(Activity.occurred_on, Activity.type, Customer.name, Member.name,
                           Activity.outcome, Activity.notes, Activity.next_step,
                           Activity.deal_id, Activity.logged_at)
                    .join(Customer, Customer.id == Activity.customer_id)
                    .join(Member, Member.id == Activity.member_id)
                    .order_by(Activity.id)
                )],
                "deals": [tuple(row) for row in session.execute(
                    select(Deal.number, Deal.name, Deal.stage, Deal.amount_minor,
                           Deal.expected_close, Deal.created_at, Deal.closed_at,
                           Deal.lost_reason).order_by(Deal.number)
                )],
                "history": [tuple(row) for row in session.execute(
                    select(DealHistory.deal_id, DealHistory.field, DealHistory.old_value,
                           DealHistory.new_value, DealHistory.changed_at)
                    .order_by(DealHistory.id)
                )],
            }
    finally:
        engine.dispose()


def _fresh(tmp_path: Path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    upgrade(url)
    return url


def test_same_seed_same_demo_and_it_is_quick(tmp_path: Path) -> None:
    first, again, other = (_fresh(tmp_path, n) for n in ("a.db", "b.db", "c.db"))
    started = time.monotonic()
    summary = build_demo(first, today=TODAY)
    assert time.monotonic() - started < 30
    assert build_demo(again, today=TODAY) == summary
    assert _fingerprint(first) == _fingerprint(again)
    build_demo(other, today=TODAY, seed=8)
    assert _fingerprint(other) != _fingerprint(first)


def test_weekend_today_ends_the_history_on_friday() -> None:
    days = working_days(date(2026, 11, 22))  # a Sunday
    assert days[-1] == TODAY and days[0] == date(2026, 10, 12)
    assert all(d.weekday() < 5 for d in days) and len(set(days)) == 30
