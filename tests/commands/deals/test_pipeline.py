"""/pipeline: weighted amounts, historical stage rates, and coverage of the target."""

from __future__ import annotations

import pandas as pd
import pytest

from commands.core.errors import UsageError
from commands.deals.pipeline import stage_win_rates
from tests.conftest import Chat


def test_weighted_pipeline_with_configured_probabilities_and_coverage(team: Chat) -> None:
    team.say("mia", "/target set team revenue 500k month:2026-11")
    team.say("alice", '/deal new "A" customer:"Acme" amount:120k stage:proposal close:2026-11-27')
    team.say("alice", '/deal new "B" customer:"Acme" amount:80k stage:lead close:2026-12-20')
    team.say("bob", '/deal new "C" customer:"Acme" amount:100k stage:negotiation '
                    "close:2026-11-30")
    out = team.say("mia", "/pipeline team")
    # 80k x 10% + 120k x 50% + 100k x 75% = 8k + 60k + 75k
    assert "Open 300,000 USD · weighted 143,000 USD" in out
    assert "configured stage probabilities" in out
    # closing in November: A and C = 220k against 500k to go -> 0.44, below 1 / 20% = 5
    assert "Closing in 2026-11: 220,000 USD" in out
    assert "coverage 0.44× :warning: below the 5.0×" in out
    mine = team.say("alice", "/pipeline")
    assert "Open 200,000 USD" in mine  # alice's own deals only


def test_history_replaces_configured_probabilities_after_20_closed_deals(team: Chat) -> None:
    for i in range(1, 21):
        team.say("alice", f'/deal new "Old {i}" customer:"Acme" amount:10k')
        team.say("alice", f"/deal D-{i} won" if i % 4 == 0 else f'/deal D-{i} lost reason:"x"')
    team.say("alice", '/deal new "Fresh" customer:"Acme" amount:100k')
    out = team.say("alice", "/pipeline")
    # all 20 closed deals reached "lead", 5 were won: 25% instead of the configured 10%
    assert "lead: 1 deal, 100,000 USD × 25% = 25,000 USD" in out
    assert "historical stage-to-won rates (20 closed deals)" in out
    assert "No revenue target covers 2026-11" in out


def test_stage_win_rates_is_a_pure_frame_function() -> None:
    outcomes = pd.DataFrame([("lead", True, 3), ("lead", False, 7), ("proposal", True, 3),
                             ("proposal", False, 1)], columns=["stage", "won", "deals"])
    rates = stage_win_rates(outcomes).set_index("stage")
    assert rates.loc["lead", "closed"] == 10 and str(rates.loc["lead", "rate"]) == "0.3"
    assert str(rates.loc["proposal", "rate"]) == "0.75"
    assert stage_win_rates(outcomes.iloc[0:0]).empty


def test_pipeline_takes_one_person_or_team(team: Chat) -> None:
    with pytest.raises(UsageError, match="/pipeline @alice"):
        team.say("mia", "/pipeline alice bob")
