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
    # a call where nothing was won missed all of it; a call of 0 there was exact
    assert forecast_error(D("80"), D("0")) == D("1")
    assert accuracy(forecast_error(D("80"), D("0"))) == 0
    assert forecast_error(D("0"), D("0")) == 0
    assert accuracy(D("-0.2")) == D("0.8") and accuracy(D("3")) == 0
    assert running_accuracy([D("0.2"), D("-0.1"), None]) == D("0.85")
    s = PeriodScore("2026-11", "alice", D("150"), D("90"), D("100"))
    assert (s.first_error, s.last_error, s.direction) == (D("0.5"), D("-0.1"), "sandbagged")


# --- the forecast's deviation rules ---------------------------------------------------------


def test_commit_short_of_target_fires_only_past_half_the_period() -> None:
    from commands.forecast.deviations import CallState, forecast_short
    from commands.warnings.rule_config import RuleConfig

    states = [CallState("member:1", "alice", D("150000"), D("250000"), D("150000"), None),
              CallState("member:2", "bob", D("210000"), D("250000"), D("210000"), None),
              CallState("member:3", "carl", None, D("250000"), None, None)]
    assert forecast_short(states, "2026-11", D("0.5"), "USD", RuleConfig()) == []
    [alice] = forecast_short(states, "2026-11", D("0.6"), "USD", RuleConfig())
    # (250k − 150k) / 250k = 40% short, above 20%; bob is 16% short
    assert alice.key == "forecast_short:member:1" and alice.figure("short_share") == D("0.4")
    assert "40% short of the 250,000 USD target with 60% of its working days gone" in \
        alice.message
    assert alice.fix


def test_a_call_dropped_week_over_week_and_misses_three_running() -> None:
    from commands.forecast.deviations import CallState, forecast_drop, forecast_miss
    from commands.warnings.rule_config import RuleConfig

    states = [CallState("member:1", "alice", None, None, D("70000"), D("100000")),
              CallState("member:2", "bob", None, None, D("90000"), D("100000"))]
    [drop] = forecast_drop(states, "2026-11", "USD", RuleConfig())
    assert drop.who == "alice" and drop.figure("drop_share") == D("0.3")
    assert "fell from 100,000 USD to 70,000 USD in a week (30% down)" in drop.message
    errors = {("member:1", "alice"): [D("0.5"), D("0.3"), D("0.25")],
              ("member:2", "bob"): [D("0.5"), D("0.1"), D("0.4")],
              ("member:3", "carl"): [D("-0.5"), D("-0.3")]}
    [miss] = forecast_miss(errors, RuleConfig())
    assert miss.who == "alice" and "over-called the last 3 months, by 50%, 30%, 25%" in \
        miss.message
    assert forecast_miss(errors, RuleConfig(forecast_miss_share=D("0.3"))) == []
