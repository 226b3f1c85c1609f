"""The plan engine on hand-computed numbers: decomposition, scorecard, activity plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from commands.core.errors import UsageError
from commands.core.periods import Period, parse_period
from commands.plan.activity import (
    ActivityRates,
    RateStats,
    choose_rates,
    coverage_healthy,
    derive_activity_plan,
    pipeline_coverage,
    win_rate,
    win_rate_by_value,
)
from commands.plan.decomposition import (
    RepShare,
    daily_plan,
    planned_between,
    planned_to_date,
    ramp_factor,
    seasonal_shares,
    split_across_reps,
    split_by_working_days,
    split_seasonal,
)
from commands.plan.scorecard import (
    attainment,
    cumulative_plan_vs_actual,
    expected_to_date,
    expected_to_date_seasonal,
    is_behind,
    leaderboard,
    pace,
    projected,
    required_per_working_day,
    scorecard,
)

D = Decimal
CHRISTMAS = {date(2026, 12, 25)}
Q4 = parse_period("2026-Q4")
NOV_1 = date(2026, 11, 1)
DEFAULTS = ActivityRates(D("50000"), D("0.25"), D("0.2"), "default")


# --- the seed's example -------------------------------------------------------------------


def test_seed_example_10m_target() -> None:
    rates = ActivityRates(D("100000"), D("0.2"), D("0.25"), "team")
    plan = derive_activity_plan(D("10000000"), 10, rates, remaining_working_days=20)
    assert plan.wins_needed == 100  # 10 per rep
    assert plan.opportunities_needed == 500  # 50 per rep
    assert plan.visits_needed == 2000  # 200 per rep
    assert plan.visits_per_rep_per_day == D("10.00")
    assert plan.visits_per_day == D("100.00")
    assert plan.coverage_needed == 5
    assert plan.pipeline_needed == D("50000000.00")
    assert plan.source == "team"


def test_activity_plan_rounds_up_to_whole_deals_and_visits() -> None:
    rates = ActivityRates(D("100000"), D("0.2"), D("0.3"), "rep")
    plan = derive_activity_plan(D("1050000"), 4, rates, remaining_working_days=7)
    # 10.5 wins over 4 reps: each rep's quarter is 2.625 wins, so 3 each and 12 for the
    # team, which is what its 4 reps' plans add up to (not 11 with "3 per rep")
    assert plan.wins_needed == 12
    assert plan.opportunities_needed == 60  # 15 each
    assert plan.visits_needed == 200  # 50 each: 15 / 0.3
    assert plan.visits_per_day == D("28.58")  # 200 / 7 = 28.571..., rounded up
    assert plan.visits_per_rep_per_day == plan.visits_per_day / 4


def test_activity_plan_when_nothing_remains() -> None:
    rates = ActivityRates(D("100000"), D("0.2"), D("0.25"), "rep")
    met = derive_activity_plan(D("-5000"), 3, rates, remaining_working_days=5)
    assert (met.wins_needed, met.opportunities_needed, met.visits_needed) == (0, 0, 0)
    assert met.pipeline_needed == 0
    late = derive_activity_plan(D("100000"), 1, rates, remaining_working_days=0)
    assert late.wins_needed == 1 and late.visits_per_rep_per_day is None
    with pytest.raises(UsageError):
        derive_activity_plan(D("100000"), 0, rates, remaining_working_days=5)


def test_rates_come_from_the_rep_with_five_closed_deals() -> None:
    rep = RateStats(won_count=2, lost_count=3, won_amount=D("200000"),
                    opportunities_created=10, visits=40)
    team = RateStats(won_count=20, lost_count=80, won_amount=D("3000000"),
                     opportunities_created=120, visits=400)
    rates = choose_rates(rep, team, DEFAULTS)
    assert rates == ActivityRates(D("100000"), D("0.4"), D("0.25"), "rep")


def test_rates_fall_back_to_team_then_defaults() -> None:
    few = RateStats(won_count=1, lost_count=3, won_amount=D("90000"),
                    opportunities_created=5, visits=20)
    team = RateStats(won_count=20, lost_count=80, won_amount=D("3000000"),
                     opportunities_created=120, visits=400)
    assert choose_rates(few, team, DEFAULTS) == ActivityRates(
        D("150000"), D("0.2"), D("0.3"), "team"
    )
    assert choose_rates(few, few, DEFAULTS) == DEFAULTS
    assert choose_rates(None, None, DEFAULTS).source == "default"
    # Five closed but none won would mean an infinite plan: the team's rates are used.
    no_wins = RateStats(won_count=0, lost_count=6, won_amount=D(0),
                        opportunities_created=8, visits=30)
    assert choose_rates(no_wins, team, DEFAULTS).source == "team"


def test_defaults_are_labelled_default_whatever_they_say() -> None:
    labelled_team = ActivityRates(D("1"), D("0.5"), D("0.5"), "team")
    assert choose_rates(None, None, labelled_team).source == "default"


# --- decomposition ------------------------------------------------------------------------


def test_december_daily_split_skips_weekends_and_christmas() -> None:
    days = parse_period("2026-12").children()
    split = split_by_working_days(D("100000"), days, CHRISTMAS)
    amounts = dict((p.start, a) for p, a in split)
    assert sum(amounts.values()) == D("100000.00")
    assert sum(1 for a in amounts.values() if a) == 22
    assert amounts[date(2026, 12, 1)] == D("4545.45")  # 100000 / 22 = 4545.4545...
    assert amounts[date(2026, 12, 5)] == 0  # Saturday
    assert amounts[date(2026, 12, 25)] == 0  # Christmas
    # 22 × 4545.45 leaves 10 cents: the last ten working days get one each, no day a blob
    assert amounts[date(2026, 12, 31)] == D("4545.46")
    assert set(amounts.values()) == {D("0"), D("4545.45"), D("4545.46")}


def test_rounding_remainder_never_lands_on_a_weekend() -> None:
    # January 2027 ends on a Sunday; the stray cents go to the last working days, a cent each.
    split = split_by_working_days(D("100"), parse_period("2027-01").children())
    amounts = dict((p.start, a) for p, a in split)
    assert amounts[date(2027, 1, 31)] == 0
    assert amounts[date(2027, 1, 29)] == D("4.77")
    assert set(amounts.values()) == {D("0"), D("4.76"), D("4.77")}
    assert sum(amounts.values()) == D("100.00")


def test_quarter_splits_into_months_by_working_days_summing_exactly() -> None:
    # Oct 22, Nov 21, Dec 22 working days (Christmas off): 65 in the quarter.
    split = split_by_working_days(D("1000000"), Q4.children(), CHRISTMAS)
    assert [(p.label, a) for p, a in split] == [
        ("2026-10", D("338461.54")),
        ("2026-11", D("323076.92")),
        ("2026-12", D("338461.54")),
    ]
    assert sum(a for _, a in split) == D("1000000")


def test_weekend_only_parts_fall_back_to_calendar_days() -> None:
    weekend = [parse_period("2026-12-05"), parse_period("2026-12-06")]
    assert [a for _, a in split_by_working_days(D("10"), weekend)] == [D("5.00"), D("5.00")]


def test_seasonal_split_uses_last_year_shares() -> None:
    last_year = {"2025-10": D("200"), "2025-11": D("300"), "2025-12": D("500")}
    assert seasonal_shares(Q4.children(), last_year) == [D("0.2"), D("0.3"), D("0.5")]
    split = split_seasonal(D("1000000"), Q4.children(), last_year, CHRISTMAS)
    assert [a for _, a in split] == [D("200000.00"), D("300000.00"), D("500000.00")]


def test_seasonal_split_sums_exactly_and_counts_missing_months_as_zero() -> None:
    thirds = {"2025-10": D("1"), "2025-11": D("1"), "2025-12": D("1")}
    assert [a for _, a in split_seasonal(D("100"), Q4.children(), thirds)] == [
        D("33.33"), D("33.33"), D("33.34"),
    ]
    gap = {"2025-10": D("400"), "2025-12": D("600")}
    assert [a for _, a in split_seasonal(D("1000"), Q4.children(), gap)] == [
        D("400.00"), D("0.00"), D("600.00"),
    ]


def test_seasonal_split_without_history_splits_by_working_days() -> None:
    assert split_seasonal(D("1000000"), Q4.children(), {}, CHRISTMAS) == split_by_working_days(
        D("1000000"), Q4.children(), CHRISTMAS
    )
    assert seasonal_shares(Q4.children(), {"2025-11": D("0")}) is None


def test_rep_split_even_by_default() -> None:
    reps = [RepShare("alice"), RepShare("bob"), RepShare("carol")]
    assert split_across_reps(D("100"), reps, NOV_1) == [
        ("alice", D("33.33")), ("bob", D("33.33")), ("carol", D("33.34")),
    ]


def test_rep_split_by_weights() -> None:
    reps = [RepShare("alice", D("2")), RepShare("bob", D("1"))]
    assert split_across_reps(D("90000"), reps, NOV_1) == [
        ("alice", D("60000.00")), ("bob", D("30000.00")),
    ]


def test_ramped_reps_in_their_first_and_second_month() -> None:
    reps = [
        RepShare("alice"),
        RepShare("bob", started_on=date(2026, 10, 1)),  # second month in 2026-11: 0.75
        RepShare("carol", started_on=date(2026, 11, 1)),  # first month: 0.5
    ]
    split = split_across_reps(D("90000"), reps, NOV_1)  # weights 1 + 0.75 + 0.5 = 2.25
    assert split == [("alice", D("40000.00")), ("bob", D("30000.00")), ("carol", D("20000.00"))]


def test_ramped_rep_targets_sum_exactly_to_the_team() -> None:
    reps = [RepShare("alice"), RepShare("bob", started_on=date(2026, 10, 1))]
    split = split_across_reps(D("100000"), reps, NOV_1)
    assert split == [("alice", D("57142.86")), ("bob", D("42857.14"))]
    assert sum(a for _, a in split) == D("100000")


def test_ramp_counts_months_of_tenure() -> None:
    assert ramp_factor(None, NOV_1) == 1
    assert ramp_factor(date(2026, 10, 1), NOV_1) == D("0.75")
    assert ramp_factor(date(2026, 10, 15), NOV_1) == D("0.5")  # 17 days in: first month
    assert ramp_factor(date(2026, 9, 1), NOV_1) == 1
    assert ramp_factor(date(2026, 11, 20), NOV_1) == D("0.5")  # joins mid-period
    custom = (D("0.25"), D("0.5"), D("0.75"))
    assert ramp_factor(date(2026, 9, 1), NOV_1, custom) == D("0.75")


def test_rep_split_refuses_an_impossible_team() -> None:
    with pytest.raises(UsageError):
        split_across_reps(D("100"), [], NOV_1)
    with pytest.raises(UsageError):
        split_across_reps(D("100"), [RepShare("alice", D("0"))], NOV_1)
    with pytest.raises(UsageError):
        split_across_reps(D("100"), [RepShare("alice", D("-1")), RepShare("bob")], NOV_1)
    with pytest.raises(UsageError):
        split_across_reps(D("100"), [RepShare("alice"), RepShare("alice")], NOV_1)


# --- scorecard ----------------------------------------------------------------------------


def test_attainment_and_expected_to_date() -> None:
    assert attainment(D("300"), D("1000")) == D("0.3")
    assert expected_to_date(D("1000"), 11, 22) == D("500.00")
    assert expected_to_date_seasonal(D("1000000"), D("0.35")) == D("350000.00")


def test_pace_and_behind_plan_at_the_threshold() -> None:
    on_threshold = pace(attainment(D("425"), D("1000")), D("0.5"))
    assert on_threshold == D("0.85") and not is_behind(on_threshold)
    just_below = pace(attainment(D("424"), D("1000")), D("0.5"))
    assert just_below == D("0.848") and is_behind(just_below)
    assert is_behind(on_threshold, threshold=D("0.9"))


def test_scorecard_linear() -> None:
    card = scorecard(D("1000"), D("300"), elapsed_working_days=10, remaining_working_days=12)
    assert card.attainment == D("0.3")
    assert card.expected_to_date == D("454.55")  # 1000 × 10 / 22
    assert card.pace == D("0.66")  # 0.3 / (10 / 22)
    assert card.behind
    assert card.required_per_working_day == D("58.34")  # 700 / 12 = 58.33..., rounded up
    assert card.projected == D("660.00")  # 300 / 10 × 22


def test_scorecard_exactly_on_threshold_is_not_behind() -> None:
    # 10 of 22 days: 2200 × 10 / 22 = 1000 expected; 850 is a pace of exactly 0.85.
    card = scorecard(D("2200"), D("850"), elapsed_working_days=10, remaining_working_days=12)
    assert card.pace == D("0.85") and not card.behind


def test_scorecard_seasonal() -> None:
    card = scorecard(D("1000000"), D("280000"), elapsed_working_days=30,
                     remaining_working_days=35, cumulative_share=D("0.35"))
    assert card.expected_to_date == D("350000.00")
    assert card.pace == D("0.8") and card.behind


def test_seasonal_expected_to_date_from_a_seasonal_plan() -> None:
    last_year = {"2025-10": D("200"), "2025-11": D("300"), "2025-12": D("500")}
    plan = split_seasonal(D("1000000"), Q4.children(), last_year, CHRISTMAS)
    # October in full, then 10 of November's 21 working days: 200000 + 300000 × 10/21.
    assert planned_to_date(plan, date(2026, 11, 15), CHRISTMAS) == D("342857.14")
    assert planned_to_date(plan, date(2026, 9, 30), CHRISTMAS) == 0
    assert planned_to_date(plan, date(2026, 12, 31), CHRISTMAS) == D("1000000.00")


def test_zero_denominators_give_none() -> None:
    assert attainment(D("5"), D("0")) is None
    assert expected_to_date(D("1000"), 0, 0) is None
    assert pace(None, D("0.5")) is None
    assert pace(D("0.1"), D("0")) is None  # first morning: nothing expected yet
    assert not is_behind(None)
    assert required_per_working_day(D("1000"), D("300"), 0) is None
    assert required_per_working_day(D("1000"), D("1200"), 3) == 0
    assert projected(D("300"), 0, 22) is None
    card = scorecard(D("0"), D("0"), elapsed_working_days=0, remaining_working_days=22)
    assert (card.attainment, card.pace, card.behind, card.projected) == (None, None, False, None)


# --- win rate and coverage ----------------------------------------------------------------


def test_win_rate_by_count_and_value() -> None:
    assert win_rate(2, 8) == D("0.2")
    assert win_rate(0, 0) is None
    assert win_rate_by_value(D("300000"), D("700000")) == D("0.3")
    assert win_rate_by_value(D("0"), D("0")) is None


def test_pipeline_coverage_healthy_at_one_over_win_rate() -> None:
    coverage = pipeline_coverage(D("5000000"), D("1000000"))
    assert coverage == 5
    assert coverage_healthy(coverage, D("0.2"))
    assert not coverage_healthy(pipeline_coverage(D("4990000"), D("1000000")), D("0.2"))
    assert pipeline_coverage(D("5000000"), D("0")) is None
    assert coverage_healthy(None, D("0.2"))  # target met: nothing left to cover
    assert not coverage_healthy(D("100"), D("0"))
    assert not coverage_healthy(D("100"), None)


# --- pandas views -------------------------------------------------------------------------


def test_cumulative_plan_vs_actual() -> None:
    targets = pd.DataFrame({
        "day": [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)],
        "target": [D("100"), D("100"), D("100")],
    })
    actuals = pd.DataFrame({
        "day": [date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 2)],
        "actual": [D("30"), D("40"), D("50")],
    })
    frame = cumulative_plan_vs_actual(targets, actuals, through=date(2026, 12, 2))
    assert list(frame.columns) == ["day", "plan_cum", "actual_cum"]
    assert frame["plan_cum"].tolist() == [D("100"), D("200"), D("300")]
    assert frame["actual_cum"].tolist() == [D("70"), D("120"), None]


def test_cumulative_actual_on_a_day_without_plan_still_counts() -> None:
    targets = pd.DataFrame({"day": [date(2026, 12, 4)], "target": [D("100")]})
    actuals = pd.DataFrame({"day": [date(2026, 12, 5)], "actual": [D("20")]})  # a Saturday
    frame = cumulative_plan_vs_actual(targets, actuals)
    assert frame["day"].tolist() == [date(2026, 12, 4), date(2026, 12, 5)]
    assert frame["plan_cum"].tolist() == [D("100"), D("100")]
    assert frame["actual_cum"].tolist() == [D("0"), D("20")]


def test_leaderboard_ranks_each_metric_by_attainment() -> None:
    scores = pd.DataFrame({
        "rep": ["alice", "bob", "carol", "alice", "bob"],
        "metric": ["revenue", "revenue", "revenue", "visits", "visits"],
        "target": [D("100"), D("100"), D("0"), D("10"), D("20")],
        "actual": [D("50"), D("80"), D("5"), D("10"), D("20")],
    })
    board = leaderboard(scores)
    revenue = board[board["metric"] == "revenue"]
    assert revenue["rep"].tolist() == ["bob", "alice", "carol"]
    assert revenue["attainment"].tolist() == [D("0.8"), D("0.5"), None]
    assert revenue["rank"].tolist() == [1, 2, 3]
    visits = board[board["metric"] == "visits"]
    assert visits["rank"].tolist() == [1, 1]  # both at 100%
    assert board["metric"].tolist()[:3] == ["revenue"] * 3


def test_leaderboard_of_nothing() -> None:
    board = leaderboard(pd.DataFrame({"rep": [], "metric": [], "target": [], "actual": []}))
    assert board.empty and "attainment" in board.columns


# --- daily plans ------------------------------------------------------------------------------


def test_daily_plan_keeps_explicit_months_and_re_spreads_the_rest() -> None:
    q4 = Period.of_quarter(2026, 4)
    october = Period.of_month(2026, 10)
    plan = daily_plan(Decimal(900_000), q4, [(october, Decimal(400_000))])
    assert planned_between(plan, october.start, october.end) == Decimal("400000.00")
    # November (21 working days) and December (23) share 500k by working days
    november = Period.of_month(2026, 11)
    assert planned_between(plan, november.start, november.end) == Decimal("238636.36")
    assert planned_between(plan, q4.start, q4.end) == Decimal("900000.00")
    assert all(d.weekday() < 5 for d in plan)


def test_daily_plan_weights_months_by_last_years_shares_and_skips_holidays() -> None:
    q4 = Period.of_quarter(2026, 4)
    shares = {date(2026, 10, 1): Decimal("0.25"), date(2026, 11, 1): Decimal("0.25"),
              date(2026, 12, 1): Decimal("0.5")}
    christmas = {date(2026, 12, 25)}
    plan = daily_plan(Decimal(1_000_000), q4, holidays=christmas, month_shares=shares)
    assert planned_between(plan, date(2026, 12, 1), date(2026, 12, 31)) == Decimal("500000.00")
    assert date(2026, 12, 25) not in plan
    # 500k over December's 22 working days without Christmas
    assert planned_between(plan, date(2026, 12, 24), date(2026, 12, 24)) == Decimal("22727.27")


def test_daily_plan_with_sub_targets_above_the_total_gives_the_rest_nothing() -> None:
    q4 = Period.of_quarter(2026, 4)
    plan = daily_plan(Decimal(100), q4, [(Period.of_month(2026, 10), Decimal(150))])
    assert planned_between(plan, date(2026, 11, 1), date(2026, 12, 31)) == Decimal("0.00")
