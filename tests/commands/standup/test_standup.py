"""/standup parsing, settings, answers, out of office, and the schedule's times across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.dispatch import Caller, actor_for
from commands.core.errors import PermissionDenied, UsageError
from commands.standup.answers import StandupAnswerArgs, StandupAway, StandupSkip, has_blockers
from commands.standup.draft import standup_draft
from commands.standup.reports import StandupReportArgs
from commands.standup.schedule import Participant, StandupTimes, day_schedule
from commands.standup.settings import StandupConfigure, parse_clock, parse_days, parse_minutes
from commands.standup.standup import parse_standup
from storage.models import OutOfOffice, StandupAnswer, StandupConfig
from tests.conftest import Chat, Clock
from tests.jobs.recording import set_timezone


def times(tz_mode: str = "team", days: tuple[int, ...] = tuple(range(7)),
          enabled_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> StandupTimes:
    return StandupTimes(time(9, 30), frozenset(days), tz_mode, timedelta(minutes=120),
                        timedelta(minutes=30), True, enabled_at)


# --- parsing ------------------------------------------------------------------------------


def test_parse_config_options() -> None:
    args = parse_standup("config time:9:45 days:sun-thu tz:local window:2h reminder:off")
    assert args == StandupConfigure(time(9, 45), (0, 1, 2, 3, 6), "local", 120, 0)
    assert parse_standup("config") == StandupConfigure()
    assert parse_standup("config off").enabled is False  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "expected"), [
    ("09:30", time(9, 30)), ("9:30", time(9, 30)), ("9am", time(9)), ("5:15pm", time(17, 15)),
    ("17:00", time(17)), ("12am", time(0)),
])
def test_parse_clock(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("bad", ["25:00", "9:75", "13pm", "noon", ""])
def test_parse_clock_refuses_nonsense(bad: str) -> None:
    with pytest.raises(UsageError, match="time of day"):
        parse_clock(bad)


def test_parse_days_and_durations() -> None:
    assert parse_days("mon-fri") == (0, 1, 2, 3, 4)
    assert parse_days("Mon,Wed,Fri") == (0, 2, 4)
    assert parse_days("fri-mon") == (0, 4, 5, 6)
    assert parse_days("daily") == tuple(range(7))
    assert parse_minutes("1h30m", "window") == 90
    assert parse_minutes("45", "window") == 45
    with pytest.raises(UsageError, match="days:"):
        parse_days("funday")
    with pytest.raises(UsageError, match="between"):
        parse_minutes("20h", "window")


def test_parse_answer_skip_away_report() -> None:
    assert parse_standup('answer yesterday:"met Acme" today:"demo" blockers:none') == \
        StandupAnswerArgs("met Acme", "demo", "none")
    assert parse_standup("skip") == StandupSkip()
    assert parse_standup("ooo 2026-12-20..2027-01-02") == StandupAway("2026-12-20", "2027-01-02")
    assert parse_standup("ooo tomorrow") == StandupAway("tomorrow", "tomorrow")
    assert parse_standup("ooo off") == StandupAway(clear=True)
    assert parse_standup("ooo") == StandupAway()
    assert parse_standup("report 2026-11-20") == StandupReportArgs("2026-11-20")
    with pytest.raises(UsageError, match="option"):
        parse_standup("answer did stuff")
    with pytest.raises(UsageError, match="Did you mean `/standup skip`"):
        parse_standup("skp")


def test_blockers_none_is_no_blocker() -> None:
    assert not has_blockers("none") and not has_blockers(" None. ") and not has_blockers("")
    assert has_blockers("waiting for legal")


# --- the schedule across DST and timezones ------------------------------------------------


@pytest.mark.parametrize(("day", "utc_hour"), [
    (date(2026, 10, 30), 13),  # Fri, EDT (UTC-4)
    (date(2026, 10, 31), 13),  # Sat, still EDT
    (date(2026, 11, 1), 14),   # Sun: clocks went back at 02:00, EST (UTC-5)
    (date(2026, 11, 2), 14),   # Mon, EST
])
def test_new_york_stand_up_follows_the_dst_change(day: date, utc_hour: int) -> None:
    s = day_schedule(times(), "America/New_York", [Participant(1, "UTC")], day, set(), set())
    assert s is not None
    assert s.prompt_at(1) == datetime(day.year, day.month, day.day, utc_hour, 30, tzinfo=UTC)
    assert s.reminder_at(1) == s.prompt_at(1) + timedelta(minutes=30)  # type: ignore[operator]
    assert s.summary_at == s.prompt_at(1) + timedelta(hours=2)  # type: ignore[operator]


@pytest.mark.parametrize(("day", "utc_hour"), [
    (date(2026, 10, 24), 7),  # Sat, CEST (UTC+2)
    (date(2026, 10, 25), 8),  # Sun: clocks went back at 03:00, CET (UTC+1)
    (date(2026, 10, 26), 8),
])
def test_berlin_stand_up_follows_the_dst_change(day: date, utc_hour: int) -> None:
    s = day_schedule(times(), "Europe/Berlin", [Participant(1, "UTC")], day, set(), set())
    assert s is not None and s.prompt_at(1) == datetime(day.year, day.month, day.day, utc_hour,
                                                        30, tzinfo=UTC)


def test_local_mode_asks_each_member_in_their_own_timezone() -> None:
    people = [Participant(1, "Asia/Shanghai"), Participant(2, "America/Los_Angeles")]
    day = date(2026, 11, 23)
    local = day_schedule(times("local"), "Asia/Shanghai", people, day, set(), set())
    assert local is not None
    assert local.prompt_at(1) == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)   # 09:30 +08
    assert local.prompt_at(2) == datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # 09:30 -08
    assert local.summary_at == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # last window closes
    team = day_schedule(times("team"), "Asia/Shanghai", people, day, set(), set())
    assert team is not None and team.prompt_at(2) == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


def test_no_stand_up_on_days_off_holidays_or_for_the_away() -> None:
    people = [Participant(1, "UTC"), Participant(2, "UTC")]
    weekdays = times(days=(0, 1, 2, 3, 4))
    assert day_schedule(weekdays, "UTC", people, date(2026, 11, 22), set(), set()) is None  # Sun
    assert day_schedule(weekdays, "UTC", people, date(2026, 11, 23), {date(2026, 11, 23)},
                        set()) is None
    s = day_schedule(weekdays, "UTC", people, date(2026, 11, 23), set(), {2})
    assert s is not None and s.prompt_at(2) is None and s.prompt_at(1) is not None
    assert day_schedule(weekdays, "UTC", people, date(2026, 11, 23), set(), {1, 2}) is None
    # turned on at 10:00: that morning's 09:30 is neither sent nor missed
    late = times(enabled_at=datetime(2026, 11, 23, 10, tzinfo=UTC))
    assert day_schedule(late, "UTC", people, date(2026, 11, 23), set(), set()) is None


# --- the command --------------------------------------------------------------------------


def _config(chat: Chat) -> StandupConfig:
    with chat.deps.session_factory() as session:
        cfg = session.scalar(select(StandupConfig))
        assert cfg is not None
        return cfg


def test_stand_up_is_off_until_a_manager_configures_it(team: Chat) -> None:
    out = team.say("alice", "/standup config")
    assert "no daily stand-up yet" in out and "time:09:30" in out
    with pytest.raises(PermissionDenied, match="manager"):
        team.say("alice", "/standup config time:10:00")
    out = team.say("mia", "/standup config")
    assert "no daily stand-up yet" in out
    out = team.say("mia", "/standup config time:9:30 days:mon-fri")
    assert "09:30 Mon–Fri, team time (Asia/Shanghai)" in out and "answers for 2 h" in out
    assert "reminder after 30 min" in out and "Next: Mon 23 Nov" in out
    cfg = _config(team)
    assert (cfg.enabled, cfg.window_minutes, cfg.reminder_minutes, cfg.tz_mode) == \
        (True, 120, 30, "team")
    out = team.say("mia", "/standup config tz:local window:90m reminder:15m")
    assert "in each member's own timezone" in out and "1 h 30 min" in out
    with pytest.raises(UsageError, match="before the window closes"):
        team.say("mia", "/standup config reminder:2h")
    assert "off" in team.say("mia", "/standup config off")
    assert not _config(team).enabled


def test_answer_skip_and_status(team: Chat, clock: Clock) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 1, 45, tzinfo=UTC)  # Mon 09:45 in Shanghai
    assert "not answered" in team.say("alice", "/standup")
    out = team.say("alice", '/standup answer yesterday:"met Acme" today:"demo" blockers:legal')
    assert "stand-up for today is in" in out and "blocker" in out
    assert "You answered" in team.say("alice", "/standup")
    with pytest.raises(UsageError, match="already answered"):
        team.say("alice", "/standup skip")
    assert "Skipped" in team.say("bob", "/standup skip")
    # answering again replaces the answer
    team.say("alice", '/standup answer yesterday:"met Acme" today:"two demos" blockers:none')
    with team.deps.session_factory() as session:
        answers = session.scalars(select(StandupAnswer).order_by(StandupAnswer.id)).all()
        assert [(a.day, a.skipped, a.today, a.blockers) for a in answers] == [
            (date(2026, 11, 23), False, "two demos", "none"),
            (date(2026, 11, 23), True, "", ""),
        ]


def test_someone_outside_a_team_or_stand_up_is_told_why(team: Chat) -> None:
    with pytest.raises(UsageError, match="no stand-up yet"):
        team.say("alice", "/standup skip")
    team.say("mia", "/standup config time:09:30")
    with pytest.raises(UsageError, match="not in a team"):
        team.say("zed", '/standup answer today:"x"', channel="C0OTHER")


def test_out_of_office(team: Chat, clock: Clock) -> None:
    out = team.say("alice", "/standup ooo 2026-12-20..2027-01-02")
    assert "Out of office Sun 20 Dec → Sat 02 Jan 2027" in out
    assert "Sun 20 Dec → Sat 02 Jan 2027" in team.say("alice", "/standup ooo")
    with pytest.raises(UsageError, match="before it starts"):
        team.say("alice", "/standup ooo 2026-12-20..2026-12-01")
    with pytest.raises(UsageError, match="past"):
        team.say("alice", "/standup ooo 2026-11-01..2026-11-02")
    team.say("alice", "/standup ooo today")
    clock.now += timedelta(days=1)
    assert "Welcome back" in team.say("alice", "/standup ooo off")
    with team.deps.session_factory() as session:
        left = session.scalars(select(OutOfOffice)).all()
        assert [(r.start_day, r.end_day) for r in left] == [(date(2026, 11, 22),
                                                             date(2026, 11, 22))]


def test_now_starts_a_one_off_stand_up(team: Chat, clock: Clock) -> None:
    with pytest.raises(PermissionDenied):
        team.say("alice", "/standup now")
    out = team.say("mia", "/standup now")
    assert "3 people get a DM" in out and "at 19:00" in out  # 17:00 + 2 h in Shanghai
    cfg = _config(team)
    assert (cfg.enabled, cfg.adhoc_day, cfg.adhoc_at) == (False, date(2026, 11, 22), clock.now)
    with pytest.raises(UsageError, match="already started"):
        team.say("mia", "/standup now")


def test_answer_form_is_prefilled_from_logged_work_and_plan(team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 20, 3, tzinfo=UTC)  # Friday in Shanghai
    set_timezone(team.deps.session_factory, "UALICE", "Asia/Shanghai")
    team.say("alice", '/visit "Acme Corp" type:visit outcome:positive next:"send quote" Met CTO')
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k stage:lead')
    team.say("alice", "/deal D-1 stage:proposal")
    team.say("mia", "/target set @alice revenue 1M month:2026-11")
    clock.now = datetime(2026, 11, 23, 1, 40, tzinfo=UTC)  # Monday: yesterday means Friday
    with team.deps.session_factory.begin() as session:
        actor = actor_for(session, team.deps, Caller("T0TEST", "UALICE"), clock.now)
        draft = standup_draft(session, actor, date(2026, 11, 23), clock.now)
    assert draft.previous_day == date(2026, 11, 20)
    assert "Visit: Acme Corp (positive) — Met CTO" in draft.yesterday
    assert "D-1 Acme renewal: stage lead → proposal" in draft.yesterday
    # 1M at 100k a deal, 20% win rate, 0.25 opportunities a visit: 200 visits in 6 days
    assert draft.plan_hint == "33.4 visits a day to stay on pace (2026-11 plan)"
    assert draft.today.startswith("• 33.4 visits a day") and "send quote (Acme Corp)" in \
        draft.today


# --- days off and reports of other days ----------------------------------------------------


def _counts(chat: Chat) -> int:
    with chat.deps.session_factory() as session:
        return len(session.scalars(select(StandupAnswer)).all())


def test_an_answer_on_a_day_off_is_refused_with_the_next_stand_up(team: Chat,
                                                                 clock: Clock) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 28, 2, tzinfo=UTC)  # Saturday 10:00 in Shanghai
    with pytest.raises(UsageError) as refused:
        team.say("alice", '/standup answer yesterday:"x" today:"y" blockers:"waiting on legal"')
    message = refused.value.message
    assert "no stand-up today (Saturday)" in message and "nothing was saved" in message
    assert "next stand-up is Mon 30 Nov at 01:30" in message  # 09:30 Shanghai, alice is on UTC
    assert "summary" not in message  # no promise of a summary that will never be sent
    assert "tell your manager directly" in message
    with pytest.raises(UsageError, match="next stand-up is Mon 30 Nov"):
        team.say("bob", "/standup skip")
    assert _counts(team) == 0
    # on Monday the same answer goes in, and the blocker is in the summary
    clock.now = datetime(2026, 11, 30, 2, tzinfo=UTC)  # Mon 10:00 in Shanghai
    out = team.say("alice", '/standup answer yesterday:"x" today:"y" blockers:"waiting on legal"')
    assert "Your blocker is in the summary" in out and _counts(team) == 1


def test_report_of_a_future_day_is_refused_and_a_past_day_shows_its_answers(
        team: Chat, clock: Clock) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 2, tzinfo=UTC)  # Mon 10:00 in Shanghai
    team.say("alice", '/standup answer yesterday:"met Acme" today:"demo" blockers:none')
    team.say("bob", '/standup answer yesterday:"calls" today:"visits" blockers:none')
    with pytest.raises(UsageError, match="has not happened yet"):
        team.say("mia", "/standup report 2026-11-24")
    assert _counts(team) == 2
    clock.now = datetime(2026, 12, 2, 2, tzinfo=UTC)  # the next week
    out = team.say("mia", "/standup report 2026-11-23")
    assert "Answered 2/3" in out and "met Acme" in out and "visits" in out
