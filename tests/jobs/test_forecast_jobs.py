"""The weekly forecast call through the ticker: the DM Monday 10:00 team time, one reminder
at 15:00 to those who have not called, each exactly once even with two tickers."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dispatch import Deps
from bot.render import render
from jobs.forecast import ForecastPrompt, ForecastSource, quarter_call_due
from jobs.ticker import Ticker
from tests.conftest import Chat
from tests.jobs.recording import RecordingNotifier, utc

# East is on Asia/Shanghai (UTC+8): Monday 2026-11-23 10:00 is 02:00 UTC, 15:00 is 07:00.
PROMPT_AT = utc(2026, 11, 23, 2, 0)
DEADLINE = utc(2026, 11, 23, 7, 0)


@pytest.fixture
def forecast_team(team: Chat) -> Chat:
    team.say("mia", "/target set team revenue 500k month:2026-11")
    team.say("alice", '/deal new "A1" customer:"Acme" amount:120k stage:proposal '
                      "close:2026-11-27")
    team.say("alice", '/deal new "A2" customer:"Acme" amount:100k stage:negotiation '
                      "close:2026-11-30")
    return team


def _prompts(notifier: RecordingNotifier, reminder: bool = False) -> list[str]:
    return sorted(s.to for s in notifier.of(ForecastPrompt)
                  if s.message.reminder is reminder)  # type: ignore[attr-defined]


def test_the_weekly_dm_is_pre_filled_from_the_deals_and_sent_once(
        forecast_team: Chat, deps: Deps) -> None:
    notifier = RecordingNotifier()
    tick = Ticker(deps.session_factory, notifier, [ForecastSource()])
    assert not tick.tick(utc(2026, 11, 23, 1, 59)).sent  # 09:59 in Shanghai
    tick.tick(PROMPT_AT)
    tick.tick(PROMPT_AT.replace(minute=1))
    assert _prompts(notifier) == ["DUALICE", "DUBOB"]  # the reps; mia manages
    alice = next(s.message for s in notifier.of(ForecastPrompt) if s.to == "DUALICE")
    assert isinstance(alice, ForecastPrompt)
    # closed 0 + A2 100k (commit) = 100k; + A1 120k (best case) = 220k; target 250k
    assert (alice.month.prefill_commit, alice.month.prefill_best) == (100_000, 220_000)
    assert alice.month.target == 250_000
    reply = render(alice)
    text = reply.plain()
    [button] = [e for b in reply.blocks if b.type == "actions" for e in b.elements]
    assert (button.action_id, button.value) == ("forecast_open", "100000|220000")
    assert "2026-11: closed 0 USD · commit 100,000 USD · best case 220,000 USD · target " \
           "250,000 USD" in text
    assert "/forecast submit commit:100000 best:220000" in text
    assert "A1 · 120,000 USD · best case" in text
    assert "by 15:00 today" in text


def test_one_reminder_at_the_deadline_to_who_has_not_called_with_two_tickers(
        forecast_team: Chat, deps: Deps) -> None:
    first, second = RecordingNotifier(), RecordingNotifier()
    tickers = [Ticker(deps.session_factory, first, [ForecastSource()]),
               Ticker(deps.session_factory, second, [ForecastSource()])]
    for t in tickers:
        t.tick(PROMPT_AT)
    deps.clock.now = utc(2026, 11, 23, 3, 0)  # type: ignore[attr-defined]
    forecast_team.say("alice", "/forecast submit commit:150k best:220k")
    for minute in (0, 1, 2):
        for t in tickers:
            t.tick(DEADLINE.replace(minute=minute))
    for t in tickers:
        t.tick(utc(2026, 11, 23, 9, 0))
    prompts = sorted(_prompts(first) + _prompts(second))
    reminders = sorted(_prompts(first, True) + _prompts(second, True))
    assert prompts == ["DUALICE", "DUBOB"]  # once each, by one ticker or the other
    assert reminders == ["DUBOB"]  # alice called; bob is reminded once
    [reminder] = [s.message for s in first.sent + second.sent
                  if getattr(s.message, "reminder", False)]
    assert "Reminder: your forecast call for 2026-11" in render(reminder).plain()


def test_no_reminder_for_a_call_made_before_the_dm_nor_when_turned_off(
        forecast_team: Chat, deps: Deps) -> None:
    notifier = RecordingNotifier()
    tick = Ticker(deps.session_factory, notifier, [ForecastSource()])
    deps.clock.now = utc(2026, 11, 23, 0, 30)  # type: ignore[attr-defined]  # Monday 08:30
    forecast_team.say("bob", "/forecast submit commit:10k")
    tick.tick(PROMPT_AT)
    tick.tick(DEADLINE)
    assert _prompts(notifier, True) == ["DUALICE"]
    forecast_team.say("mia", "/sales config forecast:off")
    tick.tick(utc(2026, 11, 30, 2, 0))
    assert len(notifier.of(ForecastPrompt)) == 3  # nothing the next Monday


def test_the_schedule_moves_with_the_config(forecast_team: Chat, deps: Deps) -> None:
    notifier = RecordingNotifier()
    tick = Ticker(deps.session_factory, notifier, [ForecastSource()])
    forecast_team.say("mia", "/sales config forecast:tue-09:00 forecast_deadline:12:00")
    tick.tick(PROMPT_AT)
    assert not notifier.sent
    tick.tick(utc(2026, 11, 24, 1, 0))  # Tuesday 09:00 in Shanghai
    assert _prompts(notifier) == ["DUALICE", "DUBOB"]
    tick.tick(utc(2026, 11, 24, 4, 0))  # 12:00
    assert _prompts(notifier, True) == ["DUALICE", "DUBOB"]


def _two_tickers(deps: Deps) -> tuple[RecordingNotifier, RecordingNotifier, list[Ticker]]:
    """Two instances' tickers, each recording what it sends."""
    first, second = RecordingNotifier(), RecordingNotifier()
    return first, second, [Ticker(deps.session_factory, n, [ForecastSource()])
                           for n in (first, second)]


def test_in_a_quarters_first_month_the_reminder_asks_for_the_quarter_once(
        forecast_team: Chat, deps: Deps) -> None:
    # Monday 2027-01-04, 10:00 and 15:00 in Shanghai: the first week of 2027-Q1
    prompt_at, deadline = utc(2027, 1, 4, 2, 0), utc(2027, 1, 4, 7, 0)
    assert quarter_call_due(date(2027, 1, 4)) and not quarter_call_due(date(2026, 11, 23))
    first, second, tickers = _two_tickers(deps)
    for t in tickers:
        t.tick(prompt_at)
    deps.clock.now = utc(2027, 1, 4, 3, 0)  # type: ignore[attr-defined]
    forecast_team.say("alice", "/forecast submit commit:150k")  # the month only
    forecast_team.say("bob", "/forecast submit commit:10k")
    forecast_team.say("bob", "/forecast submit quarter commit:30k")
    for minute in (0, 1, 2):
        for t in tickers:
            t.tick(deadline.replace(minute=minute))
    reminders = [s for s in first.sent + second.sent if getattr(s.message, "reminder", False)]
    assert [s.to for s in reminders] == ["DUALICE"]  # once, by one ticker or the other
    text = render(reminders[0].message).plain()
    assert "Reminder: your forecast call for 2027-Q1 is due by 15:00 today" in text
    # the next week (still January) a rep who called neither is reminded of both, once
    for t in tickers:
        t.tick(utc(2027, 1, 11, 2, 0))
    for t in tickers:
        t.tick(utc(2027, 1, 11, 7, 0))
    later = [s for s in first.sent + second.sent if getattr(s.message, "reminder", False)]
    assert sorted(s.to for s in later[1:]) == ["DUALICE", "DUBOB"]
    assert "call for 2027-01 and 2027-Q1 is due" in render(later[1].message).plain()
