"""/forecast: categories on deals, calls and adjustments, the roll-up, and scoring."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commands.core.errors import PermissionDenied, UsageError
from tests.conftest import Chat


@pytest.fixture
def deals(team: Chat) -> Chat:
    """East's November: a 500k team target; alice has a proposal and a negotiation closing
    this month and a lead in December; bob a qualified deal and one won today."""
    team.say("mia", "/target set team revenue 500k month:2026-11")
    team.say("alice", '/deal new "A1" customer:"Acme" amount:120k stage:proposal '
                      "close:2026-11-27")
    team.say("alice", '/deal new "A2" customer:"Acme" amount:100k stage:negotiation '
                      "close:2026-11-30")
    team.say("alice", '/deal new "A3" customer:"Acme" amount:80k stage:lead close:2026-12-20')
    team.say("bob", '/deal new "B1" customer:"Globex" amount:60k stage:qualified '
                    "close:2026-11-25")
    team.say("bob", '/deal new "B2" customer:"Globex" amount:40k stage:negotiation')
    team.say("bob", "/deal D-5 won")
    return team


# --- categories -----------------------------------------------------------------------------


def test_a_deal_takes_its_stage_category_until_the_rep_overrides_it(deals: Chat) -> None:
    out = deals.say("alice", "/forecast")
    assert "A1 · 120,000 USD · best case" in out  # proposal: 50%
    assert "A2 · 100,000 USD · commit" in out  # negotiation: 75%
    changed = deals.say("alice", "/deal D-1 forecast:commit")
    assert "forecast best_case → commit" in changed
    assert "A1 · 120,000 USD · commit" in deals.say("alice", "/forecast")
    card = deals.say("alice", "/deal D-1")
    assert "forecast" in card and "best_case → commit" in card  # in the deal's history
    deals.say("alice", "/deal D-1 forecast:auto")
    assert "A1 · 120,000 USD · best case" in deals.say("alice", "/forecast")


def test_the_workspace_sets_a_stage_default_and_an_override_still_wins(deals: Chat) -> None:
    deals.say("alice", "/deal D-2 forecast:best_case")
    out = deals.say("mia", "/sales config forecast proposal:commit negotiation:pipeline")
    assert "proposal → commit" in out and "negotiation → pipeline" in out
    view = deals.say("alice", "/forecast")
    assert "A1 · 120,000 USD · commit" in view
    assert "A2 · 100,000 USD · best case" in view  # alice's override beats the new default


def test_category_refusals(deals: Chat) -> None:
    with pytest.raises(UsageError, match="forecast"):
        deals.say("alice", "/deal D-1 forecast:maybe")
    with pytest.raises(UsageError, match="won"):
        deals.say("bob", "/deal D-5 forecast:commit")
    with pytest.raises(PermissionDenied):
        deals.say("bob", "/deal D-1 forecast:commit")
    with pytest.raises(PermissionDenied, match="admin"):
        deals.say("alice", "/sales config forecast proposal:commit")
    with pytest.raises(UsageError, match="open stage"):
        deals.say("mia", "/sales config forecast won:commit")


def test_the_forecast_schedule_is_a_team_setting(deals: Chat) -> None:
    assert "Mon 10:00, one reminder at 15:00" in deals.say("alice", "/sales config forecast")
    out = deals.say("mia", "/sales config forecast:tue-09:30 forecast_deadline:14:00")
    assert "Tue 09:30, one reminder at 14:00" in out
    assert "off" in deals.say("mia", "/sales config forecast:off")
    with pytest.raises(PermissionDenied):
        deals.say("alice", "/sales config forecast:mon-10:00")
    with pytest.raises(UsageError, match="forecast:mon-10:00"):
        deals.say("mia", "/sales config forecast:someday")


# --- the call and its adjustment ---------------------------------------------------------


def test_the_roll_up_against_hand_computed_figures(deals: Chat) -> None:
    out = deals.say("alice", '/forecast submit commit:150k best:220k note:"A2 signs the 30th"')
    assert "Your call for 2026-11: commit 150,000 USD, best case 220,000 USD" in out
    team = deals.say("mia", "/forecast team")
    # closed: bob's B2 40k. alice's call 150k. weighted: A1 120k×50% + A2 100k×75% (alice)
    # + B1 60k×25% (bob) = 60k + 75k + 15k = 150k. Target 500k, gap 500k − 150k.
    assert ("East: closed 40,000 USD · commit 150,000 USD · best case 220,000 USD · weighted "
            "pipeline 150,000 USD · target 500,000 USD, gap 350,000 USD") in team
    assert "1 of 2 called" in team
    # alice: target 250k (half the team's), gap 100k; weighted 135k
    assert ("alice: closed 0 USD · call: commit 150,000 USD, best case 220,000 USD") in team
    assert "weighted pipeline 135,000 USD · target 250,000 USD, gap 100,000 USD" in team
    # bob has not called: his deals pre-fill closed 40k + commit 0, best case + 0
    assert "bob: closed 40,000 USD · no call yet (from the deals: commit 40,000 USD" in team
    assert "Not submitted yet: bob" in team
    assert ":warning:" not in team


def test_an_adjustment_sits_beside_the_call_and_rolls_up(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:150k best:220k")
    out = deals.say("mia", '/forecast adjust @alice commit:130k reason:"A2 slips to December"')
    assert "Adjusted alice's call for 2026-11: commit 130,000 USD" in out
    assert "own call stays beside it: commit 150,000 USD" in out
    team = deals.say("mia", "/forecast team")
    assert "call: commit 150,000 USD" in team  # the rep's own call is kept
    assert "adjusted by mia to 130,000 USD: A2 slips to December" in team
    assert "commit 130,000 USD (the reps' own calls: 150,000 USD)" in team
    deals.say("mia", '/forecast adjust team commit:100k reason:"cautious"')
    team = deals.say("mia", "/forecast team")
    assert "commit 100,000 USD (adjusted by mia: cautious; the reps' calls roll up to " \
           "130,000 USD)" in team


def test_a_commit_above_what_the_deals_could_deliver_is_flagged(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:300k")
    out = deals.say("alice", "/forecast")
    # closed 0 + A1 120k + A2 100k closing in November = 220k at most
    assert ":warning: commit above the 220,000 USD" in out


def test_movement_since_last_week(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:150k")
    deals.deps.clock.now += timedelta(days=7)  # type: ignore[attr-defined]
    out = deals.say("alice", "/forecast submit commit:180k")
    assert "earlier call" in out and "150,000 USD, is kept too" in out
    view = deals.say("mia", "/forecast team")
    assert "moved +30,000 USD since last week" in view


def test_who_may_submit_adjust_and_read(deals: Chat) -> None:
    with pytest.raises(UsageError, match="own call"):
        deals.say("alice", "/forecast submit @bob commit:10k")
    with pytest.raises(PermissionDenied, match="manager"):
        deals.say("bob", '/forecast adjust @alice commit:10k reason:"x"')
    with pytest.raises(PermissionDenied):
        deals.say("alice", "/forecast @bob")
    deals.say("alice", "/forecast submit commit:150k")
    team = deals.say("alice", "/forecast team")  # a rep sees the team's totals, not bob's row
    assert "East: closed 40,000 USD" in team and "bob:" not in team
    assert "Not submitted yet: 1 more" in team


@pytest.mark.parametrize(("line", "message"), [
    ("/forecast submit commit:-5k", "negative"),
    ("/forecast submit commit:300k XYZ", "XYZ"),
    ("/forecast submit commit:100k month:2026-10", "over"),
    ("/forecast submit commit:100k month:2027-06", "not open"),
    ("/forecast submit best:100k", "commit"),
    ("/forecast submit commit:200k best:100k", "below"),
    ("/forecast submit commit:100k EUR", "rate"),
])
def test_bad_calls_are_refused_and_nothing_is_written(deals: Chat, line: str,
                                                      message: str) -> None:
    with pytest.raises(UsageError, match=message):
        deals.say("alice", line)
    with pytest.raises(UsageError, match="reason"):
        deals.say("mia", "/forecast adjust @alice commit:10k")
    assert "no call yet" in deals.say("alice", "/forecast")
    assert "adjusted" not in deals.say("mia", "/forecast team")


def test_a_call_in_another_currency_counts_through_a_rate(deals: Chat) -> None:
    deals.say("mia", "/sales config fx:EUR=1.10")
    deals.say("alice", "/forecast submit commit:100k EUR best:150k")
    out = deals.say("alice", "/forecast")
    assert "call: commit 110,000 USD, best case 165,000 USD" in out


# --- history ------------------------------------------------------------------------------


def test_a_closed_period_is_scored_first_and_last_call(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:150k")
    deals.deps.clock.now += timedelta(days=7)  # type: ignore[attr-defined]  # Nov 29
    deals.say("alice", "/forecast submit commit:120k")
    deals.say("alice", "/deal D-2 won")  # 100k won in November
    deals.deps.clock.now += timedelta(days=3)  # type: ignore[attr-defined]  # Dec 2
    out = deals.say("mia", "/forecast history team")
    # error = (call − actual) / actual: first (150 − 100) / 100 = 50%, last 20%
    assert ("2026-11 alice: first call 150,000 USD, last 120,000 USD, actual 100,000 USD: "
            "error 20.0% (over-called)") in out
    assert "alice 80.0% over 1 month" in out
    # the team: only alice called, bob won 40k: (120 − 140) / 140 = −14.3%
    assert "2026-11 East: first call 150,000 USD, last 120,000 USD, actual 140,000 USD: " \
           "error -14.3% (sandbagged)" in out
    with pytest.raises(UsageError, match="over"):
        deals.say("alice", "/forecast submit commit:1k month:2026-11")


def test_the_forecast_rules_warn_with_their_numbers(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:150k")
    out = deals.say("mia", "/sales warnings")
    # 15 of November's 21 working days are gone; alice's 150k is 40% short of 250k, the
    # team's 150k 70% short of 500k
    assert "alice: the commit for 2026-11 is 150,000 USD, 40% short of the 250,000 USD " \
           "target with 71% of its working days gone" in out
    assert "East: the commit for 2026-11 is 150,000 USD, 70% short" in out
    deals.say("mia", "/sales config warnings off:forecast_short")
    assert "short of the" not in deals.say("mia", "/sales warnings")
    deals.deps.clock.now += timedelta(days=7)  # type: ignore[attr-defined]
    deals.say("alice", "/forecast submit commit:100k")
    assert "alice: the call for 2026-11 fell from 150,000 USD to 100,000 USD in a week (33% " \
           "down)" in deals.say("mia", "/sales warnings")


def test_calls_and_adjustments_are_exported_beside_the_deals(deals: Chat) -> None:
    from commands.io.export import csv_bytes, export_tables, xlsx_bytes
    from storage import repo

    deals.say("alice", "/deal D-1 forecast:commit")
    deals.say("alice", '/forecast submit commit:150k best:220.50k note:"A2 signs"')
    deals.say("mia", '/forecast adjust @alice commit:130k reason:"slips"')
    with deals.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, deals.team_id)
        assert ws is not None
        tables = export_tables(session, ws.id)
    [call] = tables["forecast_calls"].to_dict("records")
    assert (call["person"], call["team"], call["period_kind"], call["start"], call["commit"],
            call["best"], call["currency"], call["note"]) == (
        "alice", "East", "month", "2026-11-01", "150000.00", "220500.00", "USD", "A2 signs")
    [adjust] = tables["forecast_adjustments"].to_dict("records")
    assert (adjust["person"], adjust["commit"], adjust["reason"], adjust["adjusted_by"]) == (
        "alice", "130000.00", "slips", "mia")
    assert list(tables["deals"]["forecast_category"])[:2] == ["commit", None]
    assert "forecast_calls.csv" in csv_bytes(tables)
    assert xlsx_bytes(tables).startswith(b"PK")


def test_the_view_and_the_home_tab_say_when_calls_are_due(deals: Chat) -> None:
    from bot.dispatch import Caller, actor_for
    from commands.forecast.show import ForecastView
    from commands.team.home import run_home

    # Sunday 2026-11-22 17:00 in Shanghai: the next deadline is Monday 15:00
    assert "Calls are next due Mon 2026-11-23 15:00 (team time)." in deals.say("alice",
                                                                              "/forecast")
    deals.say("mia", "/sales config forecast:off")
    assert "next due" not in deals.say("alice", "/forecast")
    with deals.deps.session_factory() as session:
        actor = actor_for(session, deals.deps, Caller(deals.team_id, "UALICE", "C0EAST",
                                                      "alice"), deals.deps.clock())
        home = run_home(session=session, actor=actor, now=deals.deps.clock())
    [part] = [p for p in home.parts if p.command == "/forecast"]
    assert isinstance(part.result, ForecastView) and part.result.scope_name == "alice"


def test_the_weekly_digest_gains_a_forecast_section_once_someone_called(deals: Chat) -> None:
    assert "Forecast 2026-11" not in deals.say("mia", "/sales digest")
    deals.say("alice", "/forecast submit commit:150k best:220k")
    deals.deps.clock.now += timedelta(days=7)  # type: ignore[attr-defined]
    deals.say("alice", "/forecast submit commit:180k best:220k")
    out = deals.say("mia", "/sales digest")
    assert ("Forecast 2026-11: commit 180,000 USD · best case 220,000 USD · target 500,000 "
            "USD, gap 320,000 USD") in out
    assert "1 of 2 called" in out
    assert "Moved since last week: alice +30,000 USD" in out
    assert "Not called yet: bob" in out
