"""/target and /plan through the chat path, against hand-computed figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from commands.core.errors import PermissionDenied, UsageError
from storage.models import Target, TargetChange
from tests.conftest import NOW, Chat, Clock

ALICE, BOB = "<@UALICE|alice>", "<@UBOB|bob>"


def test_the_seeds_example_10m_10_reps_20_percent(chat: Chat) -> None:
    chat.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    reps = " ".join(f"<@UREP{i}|rep{i}>" for i in range(10))
    chat.say("mia", f"/sales team add {reps}")
    chat.say("mia", "/target set team revenue 10M month:2026-12")
    out = chat.say("mia", "/plan team month:2026-12")
    # default rates: average deal 100k, win rate 20%: 100 wins, 10 per rep, 50 opps per rep;
    # the team's figures are its 10 reps' plans added up
    assert "100 wins · 500 opportunities · 2000 visits" in out
    assert out.count("10 wins, 50 opportunities, 200 visits") == 10
    assert "the configured default win rate 20% (no closed deals in the team's history yet)" \
        in out
    assert "in 23 working days" in out  # every weekday of December 2026


def test_a_holiday_comes_out_of_the_working_days(team: Chat) -> None:
    team.say("mia", '/sales holiday add 2026-12-25 "Christmas"')
    team.say("mia", "/target set team revenue 220k month:2026-12")
    # 22 working days in December without Christmas; week 52 has Mon 21 - Thu 24
    out = team.say("mia", "/target show team week:2026-W52")
    assert "2026-W52 (implied): target 40,000 USD" in out
    out = team.say("mia", "/target show team month:2026-12")
    assert "2026-12: target 220,000 USD" in out


def test_an_implied_count_target_shows_one_decimal_at_most(team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 10, 1, 0, 30, tzinfo=UTC)  # the target is set as the quarter begins
    team.say("mia", "/target set team visits 100 quarter:2026-Q4")
    clock.now = NOW
    out = team.say("mia", "/target show team visits month:2026-11")
    # 66 working days in Q4 2026 (22 + 21 + 23), 21 in November: 100 x 21/66 = 31.82 visits
    assert "2026-11 (implied): target 31.8 · actual 0 · attainment 0%" in out
    # 15 of November's 21 working days are behind us on Sunday the 22nd: 31.82 x 15/21
    assert "expected to date 22.7 · pace 0.00" in out
    out = team.say("mia", "/target show team visits quarter:2026-Q4")
    assert "2026-Q4: target 100 · actual 0" in out


def test_team_target_is_shared_evenly_and_ramped_for_a_new_rep(team: Chat) -> None:
    out = team.say("mia", "/target set team revenue 100k month:2026-11")
    assert "alice 50,000 USD, bob 50,000 USD" in out
    team.say("mia", f"/sales member {BOB} start:2026-10-01")  # second month: 75% share
    out = team.say("mia", "/target set team revenue 100k month:2026-11")
    assert "alice 57,142.86 USD, bob 42,857.14 USD" in out
    out = team.say("mia", "/target set team revenue 90k month:2026-12 split:weights alice:2 bob:1")
    assert "alice 60,000 USD, bob 30,000 USD" in out


def test_rep_target_with_tiers_and_pace(team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # the target is set as the month begins
    out = team.say("mia", f"/target set {ALICE} revenue 300k month:2026-11 stretch:360k "
                          "challenge:420k")
    clock.now = NOW
    assert "300,000 USD, stretch 360,000 USD, challenge 420,000 USD" in out
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("alice", "/deal D-1 won")
    out = team.say("alice", "/target show month:2026-11")
    # November 2026 has 21 working days; on Sunday the 22nd, 15 are behind us.
    # expected = 300k x 15/21 = 214,285.71; attainment 40%; pace 120/214.29 = 0.56
    assert "target 300,000 USD · actual 120,000 USD · attainment 40%" in out
    assert "expected to date 214,285.71 USD · pace 0.56 :warning: behind" in out


def test_months_that_do_not_add_up_are_pointed_out(team: Chat) -> None:
    team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    team.say("mia", "/target set team revenue 300k month:2026-10")
    team.say("mia", "/target set team revenue 300k month:2026-11")
    out = team.say("mia", "/target set team revenue 200k month:2026-12")
    assert "months of 2026-Q4 add up to 800,000 USD, not 900,000 USD" in out


def test_an_explicit_month_re_spreads_the_rest_of_the_quarter(team: Chat) -> None:
    team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    out = team.say("mia", "/target set team revenue 400k month:2026-10")
    # the amount with its currency, as every other reply writes it (it said "500,000")
    assert "2026-11, 2026-12 now share the remaining 500,000 USD of 2026-Q4" in out
    # November has 21 working days and December 23: 500k x 21/44 and 500k x 23/44
    assert "2026-11 (implied): target 238,636.36 USD" in team.say(
        "mia", "/target show team month:2026-11")
    assert "2026-12 (implied): target 261,363.64 USD" in team.say(
        "mia", "/target show team month:2026-12")
    assert "2026-10: target 400,000 USD" in team.say("mia", "/target show team month:2026-10")


def test_a_seasonal_quarter_follows_last_years_months(team: Chat, clock: Clock) -> None:
    for day, amount in ((date(2025, 10, 15), "100k"), (date(2025, 11, 14), "100k"),
                        (date(2025, 12, 15), "200k")):
        clock.now = datetime.combine(day, time(3), UTC)
        team.say("alice", f'/deal new "Deal {day}" customer:"Acme Corp" amount:{amount}')
        team.say("alice", f"/deal D-{day.month - 9} won")
    clock.now = datetime(2026, 10, 1, 0, 30, tzinfo=UTC)  # the target is set as the quarter begins
    team.say("mia", "/target set team revenue 1M quarter:2026-Q4 split:seasonal")
    clock.now = NOW
    # last year's Q4 won 25% / 25% / 50% by month
    assert "2026-12 (implied): target 500,000 USD" in team.say(
        "mia", "/target show team month:2026-12")
    # December's 500k over its 23 working days; week 52 has five of them
    assert "2026-W52 (implied): target 108,695.65 USD" in team.say(
        "mia", "/target show team week:2026-W52")
    out = team.say("mia", "/target show team quarter:2026-Q4")
    # expected by Sat 21 Nov: all of October (250k) + 15 of November's 21 working days of 250k
    assert "expected to date 428,571.43 USD" in out
    assert "(implied)" not in out.splitlines()[1]


def test_seasonal_without_last_year_falls_back_to_working_days(team: Chat) -> None:
    team.say("mia", "/target set team revenue 640k quarter:2026-Q4 split:seasonal")
    # Q4 2026: 22 + 21 + 23 = 66 working days... October has 22: 640k x 22/66
    assert "2026-10 (implied): target 213,333.33 USD" in team.say(
        "mia", "/target show team month:2026-10")


def test_reps_read_but_do_not_set_targets(team: Chat) -> None:
    with pytest.raises(PermissionDenied):
        team.say("alice", "/target set team revenue 1M quarter:2026-Q4")
    with pytest.raises(PermissionDenied):
        team.say("alice", f"/target set {BOB} visits 40 month:2026-12")
    with team.deps.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Target)) == 0


def test_a_locked_period_is_changed_only_by_admins_and_on_the_record(team: Chat) -> None:
    team.say("mia", "/target set team revenue 1M quarter:2026-Q4")
    team.say("mia", "/sales role <@UCAROL|carol> manager")  # not in a team: manages nothing
    team.say("mia", f"/sales role {BOB} manager")  # bob now manages East, but is no admin
    team.say("mia", "/target lock quarter:2026-Q4")
    with pytest.raises(PermissionDenied, match="locked"):
        team.say("bob", "/target set team revenue 2M quarter:2026-Q4")
    out = team.say("mia", "/target set team revenue 1.1M quarter:2026-Q4")
    assert "change recorded" in out
    with team.deps.session_factory() as s:
        change = s.scalars(select(TargetChange)).one()
        assert (change.old_minor, change.new_minor) == (100_000_000, 110_000_000)


def test_plan_uses_the_reps_own_rates_once_they_have_five_closed_deals(team: Chat) -> None:
    team.say("mia", f"/target set {ALICE} revenue 200k month:2026-12")
    for i in range(1, 6):
        team.say("alice", f'/deal new "Deal {i}" customer:"Acme Corp" amount:50k')
        team.say("alice", f"/deal D-{i} won" if i <= 2 else f'/deal D-{i} lost reason:"price"')
    for _ in range(10):
        team.say("alice", '/visit "Acme Corp" Check-in')
    out = team.say("alice", "/plan month:2026-12")
    # 2 won of 5 closed = 40%; avg won deal 50k; 5 deals from 10 visits = 0.5 per visit
    assert "alice's own 180-day win rate 40% (2 won of 5 closed)" in out
    assert "4 wins" in out and "10 opportunities (win rate 40%)" in out
    assert "20 visits (0.50 opportunities per visit)" in out


@pytest.mark.parametrize("line, message", [
    ("/target set team revenue 12x month:2026-12", "not an amount"),
    ("/target set team profit 1M month:2026-12", "not valid"),
    ("/target set team revenue 1M", "Which period?"),
    ("/target set team revenue 1M month:2026-13", "month"),
    ("/target set team visits -3 month:2026-12", "not a count"),
    ("/target set team revenue 1M month:2026-12 split:seasonal", "year or a quarter"),
])
def test_bad_target_input_is_explained_and_writes_nothing(team: Chat, line: str,
                                                          message: str) -> None:
    with pytest.raises(UsageError, match=message):
        team.say("mia", line)
    with team.deps.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Target)) == 0


def test_plan_without_a_target_says_how_to_set_one(team: Chat) -> None:
    with pytest.raises(UsageError, match="/target set @alice revenue"):
        team.say("alice", "/plan")


def test_plan_says_when_the_target_is_already_met(team: Chat) -> None:
    team.say("mia", f"/target set {ALICE} revenue 100k month:2026-11")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("alice", "/deal D-1 won")
    out = team.say("alice", "/plan")
    assert "Target 100,000 USD met: won 120,000 USD, 20,000 USD over" in out
