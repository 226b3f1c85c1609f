"""/sales report and /sales leaderboard against hand-computed figures, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from commands.core.errors import UsageError
from commands.reports.report import median_cycle_days, stage_funnel, top_moves
from tests.conftest import NOW, Chat, Clock

ALICE, BOB = "<@UALICE|alice>", "<@UBOB|bob>"


@pytest.fixture
def month(team: Chat, clock: Clock) -> Chat:
    """November 2026 for East: targets, three closed deals, a stale one and an A-tier visit."""
    clock.now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    team.say("mia", "/target set team revenue 300k month:2026-11")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')  # D-1
    team.say("bob", '/deal new "Old deal" customer:"Globex" amount:50k')  # D-2, never touched
    clock.now = NOW
    team.say("alice", '/visit "Acme Corp" tier:A new:yes Check-in')
    team.say("alice", "/deal D-1 stage:proposal")
    team.say("alice", "/deal D-1 won")
    team.say("alice", '/deal new "Acme add-on" customer:"Acme Corp" amount:60k')  # D-3
    team.say("alice", '/deal D-3 lost reason:"price"')
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:30k')  # D-4
    team.say("bob", "/deal D-4 won")
    return team


def test_team_scorecard(month: Chat) -> None:
    out = month.say("mia", "/sales report month team")
    assert "Scorecard of East, 2026-11 (15 of 21 working days gone)" in out
    # 150k of 300k; expected 300k x 15/21; pace 150x21/(300x15) = 0.70; projected 150k/15x21;
    # needs 150k over the 6 working days left
    assert ("revenue: 150,000 USD of 300,000 USD (50%) · expected 214,285.71 USD · pace 0.70 "
            ":warning: behind · projected 210,000 USD · needs 25,000 USD per working day") in out
    assert "visits: 1 (no target)" in out
    # 2 won, 1 lost; by value 150k / 210k; cycles 21 days (D-1) and 0 days (D-4)
    assert "67% by count (2 won, 1 lost), 71% by value in USD · median cycle 10.5 days" in out
    # D-1 reached won, D-4 won, D-3 lead then lost, D-2 still lead
    assert "lead 4 (50% on) → qualified 2 (100% on) → proposal 2 (100% on)" in out
    assert ("Top deals moved: D-1 Acme renewal 120,000 USD lead → won; "
            "D-3 Acme add-on 60,000 USD lead → lost; D-4 Initech pilot 30,000 USD lead → won"
            ) in out
    assert "Stale deals (no activity for 14+ days): 1 — D-2 Old deal 50,000 USD (last never)" in out
    assert "Visits by tier: A 1 · B 0 · C 0" in out


def test_a_rep_gets_their_own_scorecard(month: Chat) -> None:
    out = month.say("alice", "/sales report")
    assert "Scorecard of alice, 2026-11" in out
    assert "revenue: 120,000 USD of 150,000 USD (80%)" in out
    assert "Stale deals: none" in out


def test_leaderboard_ranks_by_attainment_not_raw_revenue(month: Chat) -> None:
    month.say("mia", "/target set team revenue 300k month:2026-11 split:weights alice:5 bob:1")
    # alice carries 250k and won 120k (48%); bob 50k and won 30k (60%)
    out = month.say("bob", "/sales leaderboard")
    assert "Leaderboard of East: revenue, 2026-11" in out
    assert out.index("1. bob — 30,000 USD (60% of 50,000 USD)") < out.index(
        "2. alice — 120,000 USD (48% of 250,000 USD)")
    out = month.say("bob", "/sales leaderboard visits quarter")
    assert "visits, 2026-Q4" in out and "1. alice — 1 (no target)" in out


@pytest.mark.parametrize("line, message", [
    ("/sales report fortnight", "not a period"),
    ("/sales report month quarter", "one period"),
    ("/sales leaderboard profit", "not valid"),
    ("/sales reprot", "Did you mean `/sales report`"),
])
def test_bad_report_input_is_explained(team: Chat, line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        team.say("mia", line)


def test_funnel_and_cycle_frames() -> None:
    reach = pd.DataFrame({"position": [0, 2, 3], "deals": [5, 3, 2]})
    funnel = stage_funnel(reach, ["lead", "qualified", "proposal", "won"])
    assert list(funnel["reached"]) == [10, 5, 5]
    assert [str(c) for c in funnel["conversion"]] == ["0.5", "1", "0.4"]
    assert stage_funnel(pd.DataFrame({"position": [], "deals": []}), ["a", "b"])[
        "conversion"].tolist() == [None]
    cycles = pd.DataFrame({"created_at": [datetime(2026, 1, 1, tzinfo=UTC)] * 3,
                           "closed_at": [datetime(2026, 1, d, tzinfo=UTC) for d in (2, 4, 31)]})
    assert str(median_cycle_days(cycles)) == "3"  # a whole number of days, not 3.0
    assert median_cycle_days(cycles.iloc[0:0]) is None


def test_top_moves_keeps_one_row_per_deal_from_first_to_last_stage() -> None:
    moves = pd.DataFrame({
        "ref": ["D-1", "D-2", "D-1"], "name": ["a", "b", "a"], "amount": [10, 20, 10],
        "currency": ["USD"] * 3, "from_stage": ["lead", "lead", "proposal"],
        "to_stage": ["proposal", "won", "won"],
        "at": [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)],
    })
    top = top_moves(moves)
    assert top[["ref", "from_stage", "to_stage"]].values.tolist() == [
        ["D-2", "lead", "won"], ["D-1", "lead", "won"]]


# --- one timezone per view ------------------------------------------------------------------


def test_visits_and_their_tiers_add_up_in_a_new_york_team_with_reps_on_utc(
        chat: Chat, clock: Clock) -> None:
    chat.say("mia", '/sales team create "East" tz:America/New_York')
    chat.say("mia", f"/sales team add {ALICE} {BOB}")  # alice and bob are on UTC
    clock.now = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)  # Thu 10:00 in New York
    chat.say("alice", '/visit "Acme Corp" tier:A new:yes Check-in')
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # Thu 21:00 in NY, Fri for alice
    chat.say("alice", '/visit "Globex" tier:B new:yes Intro')
    chat.say("bob", '/visit "Initech" tier:C new:yes Demo')
    chat.say("bob", '/visit "Acme Corp" Follow-up')
    # the team's view: New York's Thursday, so Friday's visits are not in it yet
    team = chat.say("mia", "/sales report month team")
    assert "visits: 1 (no target)" in team and "Visits by tier: A 1 · B 0 · C 0" in team
    assert "1. alice — 1 (no target)" in chat.say("mia", "/sales leaderboard visits")
    # alice's own view: her Friday, with both of her visits, by tier too
    mine = chat.say("alice", "/sales report")
    assert "visits: 2 (no target)" in mine and "Visits by tier: A 1 · B 1 · C 0" in mine
    # on Friday in New York the team sees all four, and the tiers still add up
    clock.now = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    team = chat.say("mia", "/sales report month team")
    assert "visits: 4 (no target)" in team and "Visits by tier: A 2 · B 1 · C 1" in team
