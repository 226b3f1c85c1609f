"""The forecast roll-up and scoring as pure functions: figures in, figures out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from commands.forecast.categories import stage_categories
from commands.forecast.rollup import (
    AdjustFigure,
    CallFigure,
    DealLine,
    RepInputs,
    rep_forecast,
    team_forecast,
)
from commands.forecast.scoring import PeriodScore, accuracy, forecast_error, running_accuracy
from storage.models import Stage

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _deal(ref: str, amount: str, category: str, pct: int) -> DealLine:
    return DealLine(ref, ref, D(amount), category, pct, None)


def test_stage_defaults_come_from_probability_then_config_and_closed_stages_are_fixed() -> None:
    stages = [Stage(name=n, probability_pct=p, is_won=n == "won", is_lost=n == "lost")
              for n, p in (("lead", 10), ("proposal", 50), ("negotiation", 75), ("won", 100),
                           ("lost", 0))]
    cats = stage_categories(stages, {"proposal": "commit", "won": "pipeline"})
    assert cats.of("lead", None) == "pipeline"
    assert cats.of("proposal", None) == "commit"  # configured
    assert cats.of("negotiation", None) == "commit"  # 75%
    assert cats.of("negotiation", "omitted") == "omitted"  # the rep's override
    assert cats.of("won", "pipeline") == "closed" and cats.of("lost", "commit") == "omitted"


def test_a_reps_figures_by_hand() -> None:
    deals = (_deal("D-1", "120000", "best_case", 50), _deal("D-2", "100000", "commit", 75),
             _deal("D-3", "30000", "pipeline", 10), _deal("D-4", "999999", "omitted", 75))
    calls = (CallFigure(D("150000"), D("200000"), NOW - timedelta(days=8)),
             CallFigure(D("260000"), None, NOW - timedelta(days=1)))
    r = rep_forecast(RepInputs("alice", D("25000"), deals, D("300000"), calls), NOW)
    assert (r.commit_deals, r.best_case_deals, r.pipeline_deals) == (100000, 120000, 30000)
    # 120k×0.5 + 100k×0.75 + 30k×0.1 = 60k + 75k + 3k; the omitted deal counts nothing
    assert r.weighted == D("138000")
    assert (r.prefill_commit, r.prefill_best) == (D("125000"), D("245000"))
    assert r.deliverable == D("275000")
    assert r.commit == D("260000") and r.gap == D("40000") and r.moved == D("110000")
    assert not r.over_called
    over = rep_forecast(RepInputs("alice", D("25000"), deals, None,
                                  (CallFigure(D("275000.01"), None, NOW),)), NOW)
    assert over.over_called and over.moved is None and over.gap is None


def test_the_team_rolls_up_calls_adjusted_where_adjusted() -> None:
    alice = rep_forecast(RepInputs(
        "alice", D("10000"), (_deal("D-1", "100000", "commit", 75),), D("200000"),
        (CallFigure(D("150000"), D("180000"), NOW),),
        AdjustFigure(D("120000"), None, "slips", "mia", NOW)), NOW)
    bob = rep_forecast(RepInputs("bob", D("5000"), (_deal("D-2", "40000", "pipeline", 25),),
                                 D("200000"), ()), NOW)
    carl = rep_forecast(RepInputs("carl", D("0"), (), None,
                                  (CallFigure(D("50000"), None, NOW),)), NOW)
    team = team_forecast("East", [alice, bob, carl], D("500000"), None)
    assert team.closed == D("15000")
    assert team.called == D("200000")  # 150k + 50k: the reps' own calls
    assert team.rolled_up == team.commit == D("170000")  # alice's adjusted 120k + 50k
    assert team.best == D("230000")  # alice's best 180k (the adjustment gave none) + carl 50k
    assert team.weighted == D("85000")  # 100k×0.75 + 40k×0.25
    assert team.gap == D("330000") and (team.submitted, team.reps) == (2, 3)
    adjusted = team_forecast("East", [alice, bob, carl], D("500000"),
                             AdjustFigure(D("150000"), None, "cautious", "mia", NOW))
    assert adjusted.commit == D("150000") and adjusted.rolled_up == D("170000")


def test_scoring_by_hand() -> None:
    assert forecast_error(D("120"), D("100")) == D("0.2")
    assert forecast_error(D("80"), D("100")) == D("-0.2")
    assert forecast_error(D("80"), D("0")) is None
    assert accuracy(D("-0.2")) == D("0.8") and accuracy(D("3")) == 0
    assert running_accuracy([D("0.2"), D("-0.1"), None]) == D("0.85")
    s = PeriodScore("2026-11", "alice", D("150"), D("90"), D("100"))
    assert (s.first_error, s.last_error, s.direction) == (D("0.5"), D("-0.1"), "sandbagged")
