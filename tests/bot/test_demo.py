"""The demo: a believable team built through the real commands, the same way every time, and
a console script that works on it."""

from __future__ import annotations

import io
import re
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

import bot.cli
from bot.cli import cli
from bot.console import Console
from bot.dispatch import Caller, Deps, execute
from commands.core.errors import UsageError
from demo.clock import history_days, simulated_week, working_days
from demo.history import build_demo
from demo.session import DEMO_SCRIPT
from demo.team import CHANNEL_ID, TEAM_ID
from demo.week import AFTER_REMINDER, STORY, WeekSummary, run_week
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import (
    Activity,
    Customer,
    Deal,
    DealHistory,
    Delivery,
    Member,
    StandupAnswer,
    WarningState,
)
from tests.conftest import Clock

TODAY = date(2026, 11, 28)  # a Saturday: the simulated week is Mon 23 to Fri 27 November
HISTORY_ENDS = date(2026, 11, 20)  # the Friday before it
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
            days = set(history_days(TODAY))
            assert len(days) == 30 and max(days) == HISTORY_ENDS
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
            if not line.startswith("/"):  # `home`: the console shows the user's Home tab
                shown = Console(deps, user=user, workspace=TEAM_ID).run_line(line)
                assert shown is not None
                replies[line] = shown
                continue
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
        # the team's plan is its reps' plans added up, and says which win rate it judges by
        team_plan = replies["/plan team"]
        assert "the team's 180-day win rate 36% (8 won of 22 closed)" in team_plan
        wins = [int(n) for n in re.findall(r"^• \w+: (\d+) wins?,", team_plan, re.M)]
        assert len(wins) == 5 and f"→ {sum(wins)} wins · " in team_plan
        assert "Pipeline of East" in replies["/pipeline team"]
        report = replies["/sales report month team"]
        assert "Scorecard of East, 2026-11" in report and "visits: " in report
        assert "Leaderboard of East" in replies["/sales leaderboard"]
        home = replies["home"]
        assert home.startswith("Hi alice · Fri 20 Nov · team East\n[Log a visit] [Refresh]")
        assert "Activity plan for alice, 2026-11" in home and "Your open deals" in home
        assert "(the same as /sales warnings)" in home
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


def test_same_seed_same_demo_and_same_week(tmp_path: Path) -> None:
    # (how long the demo takes is the demo's own output, not a test: see the README)
    first, again, other = (_fresh(tmp_path, n) for n in ("a.db", "b.db", "c.db"))
    summary = build_demo(first, today=TODAY)
    assert build_demo(again, today=TODAY) == summary
    assert _fingerprint(first) == _fingerprint(again)
    build_demo(other, today=TODAY, seed=8)
    assert _fingerprint(other) != _fingerprint(first)

    text, _ = _week(first, tmp_path / "a")
    text_again, _ = _week(again, tmp_path / "b")
    assert text_again.replace(str(tmp_path / "b"), str(tmp_path / "a")) == text
    assert (tmp_path / "a" / "chart.png").read_bytes() == \
        (tmp_path / "b" / "chart.png").read_bytes()


def test_weekend_today_ends_the_history_on_friday() -> None:
    days = working_days(date(2026, 11, 22))  # a Sunday
    assert days[-1] == HISTORY_ENDS and days[0] == date(2026, 10, 12)
    assert all(d.weekday() < 5 for d in days) and len(set(days)) == 30


@pytest.mark.parametrize(("today", "monday"), [
    (date(2026, 11, 28), date(2026, 11, 23)),  # Saturday: the week just over
    (date(2026, 11, 29), date(2026, 11, 23)),  # Sunday
    (date(2026, 11, 30), date(2026, 11, 23)),  # Monday: last week, today has not happened
    (date(2026, 11, 25), date(2026, 11, 16)),  # Wednesday: last week, then Mon and Tue
    (date(2026, 11, 27), date(2026, 11, 16)),  # Friday: this week is not over yet
])
def test_the_simulated_week_is_the_last_one_over_before_today(today: date,
                                                              monday: date) -> None:
    assert simulated_week(today) == monday
    assert history_days(today)[-1] == monday - timedelta(days=3)  # the Friday before it


# --- the simulated week -------------------------------------------------------------------

MONDAY = date(2026, 11, 23)  # the Monday of the week before TODAY
PEOPLE = {"mia", "alice", "bob", "chen", "dana", "eli"}


def _week(url: str, folder: Path) -> tuple[str, WeekSummary]:
    folder.mkdir(parents=True, exist_ok=True)
    out = io.StringIO()
    week = run_week(url, today=TODAY, out=out, chart=folder / "chart.png")
    return out.getvalue(), week


def _answered_by(url: str) -> dict[tuple[str, date], datetime]:
    """When each person answered (or skipped) each day's stand-up."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return {(name, day): at for name, day, at in session.execute(
                select(Member.name, StandupAnswer.day, StandupAnswer.answered_at)
                .join(Member, Member.id == StandupAnswer.member_id))}
    finally:
        engine.dispose()


def test_a_simulated_week_through_the_real_ticker(db_url: str, tmp_path: Path) -> None:
    build_demo(db_url, today=TODAY)
    text, week = _week(db_url, tmp_path)
    posts = week.posts
    answered = _answered_by(db_url)
    assert week.start == MONDAY
    assert not [p for p in posts if p.kind == "other" or "no Slack rendering" in p.text]

    for offset in range(5):
        day = MONDAY + timedelta(days=offset)
        story = STORY[offset]
        today = [p for p in posts if p.at.date() == day]
        # every working day: a prompt for each member who is not out of office, at 09:30
        prompts = [p for p in today if p.kind == "prompt"]
        away = {who for who, how in story.items() if how == "away"}
        assert sorted(p.to for p in prompts) == sorted(PEOPLE - away)
        assert all(p.dm and f"{p.at:%H:%M}" == "09:30" for p in prompts)
        # the reminder at 10:00 goes to whoever has not answered or skipped by then, only
        reminders = [p for p in today if p.kind == "reminder"]
        assert all(p.dm and f"{p.at:%H:%M}" == "10:00" for p in reminders)
        at_ten = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10)
        silent = {who for who in PEOPLE - away
                  if (who, day) not in answered or answered[(who, day)] > at_ten}
        assert {p.to for p in reminders} == silent
        assert silent == {who for who, how in story.items()
                          if how in ("never", "late") or how == AFTER_REMINDER}
        # one summary in the channel at 11:30, with the on-time answers in its thread
        [summary] = [p for p in today if p.kind == "summary"]
        assert summary.to == "east" and not summary.dm and not summary.in_thread
        assert f"{summary.at:%H:%M}" == "11:30"
        on_time = [p for p in today if p.kind == "answer" and p.at == summary.at]
        assert all(p.in_thread and p.to == "east" for p in on_time)
        assert f"Answered {len(on_time)}/{len(PEOPLE - away)}" in summary.text

    summaries = {p.at.date(): p.text for p in posts if p.kind == "summary"}
    assert "missing: @eli" in summaries[MONDAY + timedelta(days=1)]
    assert "out of office: @dana" in summaries[MONDAY + timedelta(days=2)]
    assert "skipped: @bob" in summaries[MONDAY + timedelta(days=4)]
    # eli's Thursday answer came after the summary: it joins the thread, marked late
    [late] = [p for p in posts if p.kind == "answer" and "answered late" in p.text]
    assert late.in_thread and late.at.date() == MONDAY + timedelta(days=3)
    assert "@eli" in late.text and f"{late.at:%H:%M}" > "11:30"
    # chen's Kaida blocker, two stand-ups running: mia hears about it on Wednesday
    [flag] = [p for p in posts if p.kind == "blocker"]
    assert flag.dm and flag.to == "mia" and flag.at.date() == MONDAY + timedelta(days=2)
    assert "@chen" in flag.text and flag.text.count("Kaida legal") == 2
    # the digest: once, Monday 08:30, to mia, reviewing the last week of the history
    [digest] = [p for p in posts if p.kind == "digest"]
    assert digest.dm and digest.to == "mia" and digest.at == datetime(2026, 11, 23, 8, 30,
                                                                      tzinfo=SHANGHAI)
    assert "Weekly review: East, 16 Nov – 22 Nov" in digest.text
    assert text.count("· weekly digest") == 1
    [upload] = [p for p in posts if p.kind == "file"]
    assert upload.dm and upload.to == "mia" and upload.at == digest.at
    assert week.chart == tmp_path / "chart.png"
    assert week.chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # deviation warnings (whatever rules fire) go to the team channel
    assert all(p.to == "east" and not p.dm for p in posts if p.kind == "warning")

    # what the terminal shows: headers, the typed commands that matter, the closing count
    assert "Mon 23 Nov 09:30 · DM to alice · stand-up prompt" in text
    assert "Mon 23 Nov 11:30 · #east · stand-up summary" in text
    assert "    Mon 23 Nov 11:30 · thread in #east · answer from " in text  # indented
    assert "mia> /standup config time:09:30 days:mon-fri" in text
    assert "dana> /standup ooo tomorrow" in text and "bob> /standup skip" in text
    assert "#C0EAST" not in text and "@U" not in text  # channel and people by name
    assert text.rstrip().endswith(week.line())
    assert week.line() == (
        f"A simulated week: {week.prompts} prompts, {week.reminders} reminders, 5 summaries "
        f"({week.answers} answers in their threads), 1 blocker flag, "
        f"{week.warnings} warning post{'' if week.warnings == 1 else 's'}, 1 digest; "
        f"chart written to {tmp_path / 'chart.png'}")
    assert (week.prompts, week.reminders) == (29, 6)


def test_salesbot_demo_runs_the_week_and_writes_the_chart(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    help_text = CliRunner().invoke(cli, ["demo", "--help"]).output
    assert "--chart" in help_text and "demo-digest.png" in help_text  # the default
    # a Wednesday afternoon: the week is the last one, then Monday and Tuesday quietly
    now = datetime(2026, 11, 25, 5, 45, tzinfo=UTC)
    monkeypatch.setattr(bot.cli, "utc_now", lambda: now)
    monkeypatch.chdir(tmp_path)
    chart = Path("charts") / "week.png"
    chart.parent.mkdir()
    # run as the README's quick start does, from a virtualenv that is not on PATH
    monkeypatch.setattr(sys, "argv", [str(tmp_path / ".venv" / "bin" / "salesbot"), "demo"])
    result = CliRunner().invoke(cli, ["demo", "--db", str(tmp_path / "demo.db"),
                                      "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    out = result.output
    headings = ("== The demo team: six weeks of history ==",
                "== A simulated week: the scheduler's stand-ups, warnings and digest ==",
                "== A console session today: commands as typed in Slack, and the replies ==")
    assert [out.index(h) for h in headings] == sorted(out.index(h) for h in headings)
    assert "Mon 16 Nov 08:00 to Fri 20 Nov 18:00 (Asia/Shanghai)" in out
    assert out.index("Fri 20 Nov 11:30 · #east · stand-up summary") < out.index(
        "Mon 23 Nov: everyone answers the stand-up on time") < out.index(
        "Tue 24 Nov: everyone answers the stand-up on time") < out.index(
        "\nalice> /visit")  # the console's (the week shows her visit with by: too)
    assert "Wed 25 Nov:" not in out  # today is not simulated: its day is not over
    assert "Mon 16 Nov 08:30 · DM to mia · weekly digest" in out
    assert "Weekly review: East, 09 Nov – 15 Nov" in out
    assert f"1 digest; chart written to {chart}" in out
    assert (tmp_path / chart).read_bytes().startswith(b"\x89PNG")
    assert "Hi alice · Wed 25 Nov · team East" in out  # the Home tab, today
    # the console session names the team's channel as the week's posts do, not by its id
    session_text = out[out.index(headings[2]):]
    assert "Team East · #east · Asia/Shanghai" in session_text
    assert "#C0EAST" not in session_text
    # what it suggests next can be typed as it is (it said `salesbot console`, not on PATH)
    assert "Try it yourself: .venv/bin/salesbot console --user alice" in out

    # everything the demo wrote lies in the past, up to now
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            latest = [session.scalar(select(func.max(column))) for column in (
                Activity.logged_at, Deal.created_at, Deal.closed_at, DealHistory.changed_at,
                StandupAnswer.answered_at, Delivery.due_at, WarningState.last_posted_at)]
            assert all(at is not None and at <= now for at in latest), latest
            assert session.scalar(select(func.max(Activity.occurred_on))) == date(2026, 11, 25)
            assert session.scalar(select(func.max(StandupAnswer.day))) == date(2026, 11, 24)
        # the console on the demo database: last week's stand-up, as it was
        deps = Deps(factory, Clock(now))
        report = execute(deps, Caller(TEAM_ID, "UMIA", CHANNEL_ID, "mia"), "standup",
                         "report 2026-11-20")
        assert report is not None and "Answered 4/6 · skipped: @bob · missing: @eli" in \
            report.plain()
        listed = execute(deps, Caller(TEAM_ID, "UMIA", CHANNEL_ID, "mia"), "sales", "warnings")
        assert listed is not None
        posted = re.findall(r"last posted (\w{3} \d\d \w{3})", listed.plain())
        assert posted and all(datetime.strptime(f"{shown} 2026 +0800", "%a %d %b %Y %z").date()
                              <= date(2026, 11, 25) for shown in posted)
    finally:
        engine.dispose()
