"""A split of a count never invents fractions: the reps' shares of a visits target are whole
visits, and their implied parts of a period are shown to one decimal and add up to the
team's as shown."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from tests.conftest import Chat, Clock


def _targets(out: str) -> dict[str, Decimal]:
    return {label: Decimal(value.replace(",", "")) for label, value in
            re.findall(r"• \*?([\d-]+W?\d*)\*?(?: \(implied\))?: target ([\d,.]+)", out)}


def test_reps_shares_of_a_count_are_whole_visits(team: Chat) -> None:
    team.say("mia", "/sales team add <@UCAROL|carol>")
    out = team.say("mia", "/target set team visits 7 month:2026-12")
    assert "Per rep: alice 2, bob 2, carol 3" in out  # not 2.33, 2.33, 2.34
    shown = team.say("mia", "/target show <@UCAROL|carol> visits month:2026-12")
    assert _targets(shown)["2026-12"] == 3


def test_reps_implied_parts_of_a_count_add_up_to_the_teams_as_shown(
        team: Chat, clock: Clock) -> None:
    team.say("mia", "/sales team add <@UCAROL|carol>")
    team.say("mia", "/target set team visits 300 quarter:2026-Q4")
    clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    shown = {who: _targets(team.say("mia", f"/target show {who} visits"))
             for who in ("team", "<@UALICE|alice>", "<@UBOB|bob>", "<@UCAROL|carol>")}
    for label in ("2026-12", "2026-W49"):
        parts = [shown[w][label] for w in shown if w != "team"]
        # December's 300 × 23/66 = 104.55 is shown 104.6, and the reps' parts 34.9 + 34.9 +
        # 34.8 (never 34.8 three times, nor hundredths)
        assert sum(parts) == shown["team"][label], label
        assert all(p == p.quantize(Decimal("0.1")) for p in parts), label
    assert shown["team"]["2026-12"] == Decimal("104.6")


def test_a_whole_median_cycle_is_shown_without_a_decimal(team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    team.say("alice", '/deal new "Deal" customer:"Acme Corp" amount:100k')
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    team.say("alice", "/deal D-1 won")
    out = team.say("alice", "/sales report")
    assert "median cycle 18 days" in out  # not "18.0 days"


def test_a_one_rep_teams_plan_is_not_the_sum_of_1_reps(chat: Chat) -> None:
    chat.say("mia", '/sales team create "Solo" tz:Asia/Shanghai')
    chat.say("mia", "/sales team add <@UALICE|alice>")
    chat.say("mia", "/target set team revenue 300k month:2026-11")
    out = chat.say("mia", "/plan team")
    assert "1 reps'" not in out
    assert "its one rep's own plan (`/plan @rep`)" in out
