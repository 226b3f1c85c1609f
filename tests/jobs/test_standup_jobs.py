"""The stand-up on the ticker: prompts, reminders, summary, late answers, flags, timezones."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.dispatch import Deps
from jobs.standup import (
    BlockerFlag,
    StandupAnswerPost,
    StandupPrompt,
    StandupSummaryPost,
)
from jobs.ticker import Ticker
from storage.models import DeliveryStatus, StandupConfig
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, deliveries, make_ticker, set_timezone, utc

PROMPT_AT = utc(2026, 11, 23, 1, 30)  # Monday 09:30 in Shanghai
REMIND_AT = PROMPT_AT + timedelta(minutes=30)
SUMMARY_AT = PROMPT_AT + timedelta(hours=2)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def ticker(deps: Deps, notifier: RecordingNotifier) -> Ticker:
    return make_ticker(deps, notifier)


@pytest.fixture
def standup(team: Chat) -> Chat:
    """Team East (Asia/Shanghai: mia manages, alice and bob) with a 09:30 weekday stand-up."""
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    return team


def prompted(notifier: RecordingNotifier, *, reminder: bool = False) -> list[str]:
    return sorted(s.message.person.name for s in notifier.of(StandupPrompt)  # type: ignore[attr-defined]
                  if s.message.reminder == reminder)  # type: ignore[attr-defined]


def at(clock: Clock, when: datetime) -> None:
    clock.now = when


def test_everyone_in_the_team_is_asked_at_0930_team_time(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    assert ticker.tick(PROMPT_AT - timedelta(minutes=1)).sent == []
    report = ticker.tick(PROMPT_AT)
    assert len(report.sent) == 3
    assert prompted(notifier) == ["alice", "bob", "mia"]
    first = notifier.sent[0]
    assert first.to.startswith("DU") and first.thread_ts is None
    msg = first.message
    assert isinstance(msg, StandupPrompt) and msg.team_name == "East"
    assert f"{msg.closes_at:%H:%M}" == "03:30"  # members' own timezone: UTC here
    assert ticker.tick(PROMPT_AT + timedelta(minutes=1)).sent == []


def test_no_prompt_on_holidays_weekends_or_while_out_of_office(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    standup.say("mia", '/sales holiday add 2026-11-23 "Team day"')
    standup.say("alice", "/standup ooo 2026-11-24..2026-11-25")
    ticker.tick(utc(2026, 11, 22, 1, 30))  # Sunday
    ticker.tick(PROMPT_AT)  # the holiday
    assert notifier.sent == []
    ticker.tick(PROMPT_AT + timedelta(days=1))
    assert prompted(notifier) == ["bob", "mia"]
    notifier.sent.clear()
    at(clock, PROMPT_AT + timedelta(days=1, minutes=5))
    standup.say("bob", '/standup answer yesterday:"a" today:"b" blockers:none')
    ticker.tick(SUMMARY_AT + timedelta(days=1))
    [summary] = [s.message.summary for s in notifier.of(StandupSummaryPost)]  # type: ignore[attr-defined]
    assert [p.name for p in summary.out_of_office] == ["alice"]
    assert [p.name for p in summary.missing] == ["mia"] and summary.expected == 2


def test_reminder_goes_only_to_those_who_have_not_answered(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    ticker.tick(PROMPT_AT)
    at(clock, PROMPT_AT + timedelta(minutes=10))
    standup.say("alice", '/standup answer yesterday:"met Acme" today:"demo" blockers:none')
    standup.say("bob", "/standup skip")
    ticker.tick(REMIND_AT - timedelta(minutes=1))
    assert prompted(notifier, reminder=True) == []
    ticker.tick(REMIND_AT)
    assert prompted(notifier, reminder=True) == ["mia"]
    ticker.tick(REMIND_AT + timedelta(minutes=1))
    assert prompted(notifier, reminder=True) == ["mia"]  # one reminder


def test_summary_posts_in_the_team_channel_with_one_reply_per_answer(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    standup.say("bob", "/standup ooo 2026-11-23")
    ticker.tick(PROMPT_AT)
    at(clock, PROMPT_AT + timedelta(minutes=5))
    standup.say("alice", '/standup answer yesterday:"met Acme" today:"demo" '
                         'blockers:"waiting for legal"')
    at(clock, PROMPT_AT + timedelta(minutes=20))
    standup.say("mia", '/standup answer yesterday:"1:1s" today:"pipeline review" blockers:none')
    notifier.sent.clear()
    ticker.tick(SUMMARY_AT - timedelta(minutes=1))
    assert notifier.of(StandupSummaryPost) == []
    ticker.tick(SUMMARY_AT)
    parent, *replies = notifier.sent
    assert parent.to == "C0EAST" and parent.thread_ts is None
    summary = parent.message.summary  # type: ignore[attr-defined]
    assert (len(summary.answered), summary.expected) == (2, 2)
    assert [p.name for p in summary.out_of_office] == ["bob"] and summary.missing == ()
    assert [a.person.name for a in summary.blocked] == ["alice"]
    assert [(r.to, r.thread_ts, r.message.answer.person.name) for r in replies] == [  # type: ignore[attr-defined]
        ("C0EAST", parent.ts, "alice"), ("C0EAST", parent.ts, "mia")]
    row = deliveries(standup.deps.session_factory)["standup_summary:team:1:2026-11-23"]
    assert (row.status, row.parts_sent, row.message_ts) == (DeliveryStatus.SENT, 3, parent.ts)


def test_a_late_answer_joins_the_summary_thread(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    ticker.tick(PROMPT_AT)
    ticker.tick(SUMMARY_AT)
    [parent] = notifier.of(StandupSummaryPost)
    assert parent.message.summary.missing  # type: ignore[attr-defined]
    at(clock, SUMMARY_AT + timedelta(minutes=7))
    out = standup.say("bob", '/standup answer yesterday:"calls" today:"visits" blockers:none')
    assert "joins its thread" in out
    notifier.sent.clear()
    ticker.tick(SUMMARY_AT + timedelta(minutes=8))
    [late] = notifier.sent
    assert (late.to, late.thread_ts) == ("C0EAST", parent.ts)
    assert isinstance(late.message, StandupAnswerPost) and late.message.answer.late
    ticker.tick(SUMMARY_AT + timedelta(minutes=9))
    assert len(notifier.sent) == 1


def test_a_blocker_two_stand_ups_running_is_flagged_to_the_manager(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    friday = PROMPT_AT - timedelta(days=3)
    with standup.deps.session_factory.begin() as session:  # the stand-up ran last week too
        session.scalars(select(StandupConfig)).one().enabled_at = friday - timedelta(hours=1)
    at(clock, friday + timedelta(minutes=5))
    standup.say("mia", "/standup config time:09:30 days:mon-fri")  # nothing changes
    standup.say("alice", '/standup answer yesterday:"a" today:"b" blockers:"legal review"')
    standup.say("bob", '/standup answer yesterday:"a" today:"b" blockers:"no CRM access"')
    at(clock, PROMPT_AT + timedelta(minutes=5))
    standup.say("alice", '/standup answer yesterday:"a" today:"b" blockers:"still legal"')
    standup.say("bob", '/standup answer yesterday:"a" today:"b" blockers:none')
    ticker.tick(SUMMARY_AT)
    [flag] = notifier.of(BlockerFlag)
    assert flag.to == "DUMIA"
    assert isinstance(flag.message, BlockerFlag)
    assert (flag.message.person.name, flag.message.previous_blockers, flag.message.blockers) \
        == ("alice", "legal review", "still legal")
    assert flag.message.previous_day.isoformat() == "2026-11-20"


def test_tz_local_asks_each_member_at_0930_their_time(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    set_timezone(standup.deps.session_factory, "UALICE", "America/Los_Angeles")
    set_timezone(standup.deps.session_factory, "UMIA", "Asia/Shanghai")
    set_timezone(standup.deps.session_factory, "UBOB", "Asia/Shanghai")
    standup.say("mia", "/standup config tz:local")
    ticker.tick(PROMPT_AT)
    assert prompted(notifier) == ["bob", "mia"]
    ticker.tick(SUMMARY_AT)
    assert notifier.of(StandupSummaryPost) == []  # waits for alice's window
    la_prompt = utc(2026, 11, 23, 17, 30)  # Monday 09:30 in Los Angeles
    ticker.tick(la_prompt - timedelta(minutes=1))
    assert prompted(notifier) == ["bob", "mia"]
    ticker.tick(la_prompt)
    assert prompted(notifier) == ["alice", "bob", "mia"]
    alice = next(s.message for s in notifier.of(StandupPrompt)
                 if s.message.person.name == "alice")  # type: ignore[attr-defined]
    assert f"{alice.closes_at:%H:%M %Z}" == "11:30 PST"  # type: ignore[attr-defined]
    ticker.tick(la_prompt + timedelta(hours=2))
    [summary] = notifier.of(StandupSummaryPost)
    assert summary.message.summary.day.isoformat() == "2026-11-23"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("tz", "before", "after"), [
    # New York leaves daylight saving time on Sun 1 Nov 2026: 09:30 is 13:30 UTC, then 14:30
    ("America/New_York", utc(2026, 10, 31, 13, 30), utc(2026, 11, 2, 14, 30)),
    # Berlin on Sun 25 Oct 2026: 07:30 UTC, then 08:30
    ("Europe/Berlin", utc(2026, 10, 24, 7, 30), utc(2026, 10, 26, 8, 30)),
])
def test_the_prompt_is_due_at_0930_local_on_both_sides_of_a_dst_change(
        chat: Chat, clock: Clock, notifier: RecordingNotifier, deps: Deps, tz: str,
        before: datetime, after: datetime) -> None:
    at(clock, utc(2026, 10, 1))
    chat.say("mia", f'/sales team create "Ops" tz:{tz}')
    chat.say("mia", "/standup config time:09:30 days:daily")
    ticker = make_ticker(deps, notifier)
    change = after - timedelta(days=1)  # the day of the change: already on standard time
    for instant in (before, change, after):
        ticker.tick(instant - timedelta(hours=1))
        ticker.tick(instant - timedelta(minutes=1))
        assert notifier.sent == []
        ticker.tick(instant)
        assert prompted(notifier) == ["mia"]
        notifier.sent.clear()
        ticker.tick(instant + timedelta(hours=3))  # reminder and summary, out of the way
        notifier.sent.clear()


def test_restart_inside_the_grace_window_sends_the_prompts_once_without_a_reminder_burst(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    restart = PROMPT_AT + timedelta(hours=1, minutes=30)  # down from 09:00 to 11:00
    ticker.tick(restart)
    ticker.tick(restart + timedelta(minutes=1))
    assert prompted(notifier) == ["alice", "bob", "mia"]
    assert prompted(notifier, reminder=True) == []  # the reminder time passed while down
    ticker.tick(SUMMARY_AT)
    assert len(notifier.of(StandupSummaryPost)) == 1


def test_restart_outside_the_grace_window_skips_the_prompts(
        standup: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    restart = PROMPT_AT + timedelta(hours=2, minutes=30)
    report = ticker.tick(restart)
    assert notifier.sent == []
    assert sorted(report.skipped) == sorted(
        [f"standup_prompt:member:{n}:2026-11-23" for n in (1, 2, 3)]
        + ["standup_summary:team:1:2026-11-23"])  # nobody was asked, nothing to sum up
    rows = deliveries(standup.deps.session_factory)
    assert {r.status for r in rows.values()} == {DeliveryStatus.SKIPPED}


def test_standup_now_prompts_at_the_next_tick(
        team: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    team.say("mia", "/standup now")  # Sunday 17:00 in Shanghai, no regular stand-up
    ticker.tick(clock.now + timedelta(seconds=30))
    assert prompted(notifier) == ["alice", "bob", "mia"]
    ticker.tick(clock.now + timedelta(minutes=30))
    assert prompted(notifier, reminder=True) == ["alice", "bob", "mia"]
    ticker.tick(clock.now + timedelta(hours=2))
    assert len(notifier.of(StandupSummaryPost)) == 1
    ticker.tick(clock.now + timedelta(days=1, hours=2))  # Monday: not configured, nothing
    assert len(notifier.sent) == 7
