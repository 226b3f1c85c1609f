"""Deviation rules on hand-computed numbers: who is warned, why, how badly, and what to do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from commands.core.errors import UsageError
from commands.plan.activity import ActivityRates
from commands.warnings.customer_rules import tier_cadence
from commands.warnings.deal_rules import close_date_passed, close_date_pushed, stale_deal
from commands.warnings.deviations import (
    CRITICAL,
    DEAL_COLUMNS,
    NEXT_STEP_COLUMN,
    RULES,
    SERIOUS,
    WARNING,
    FunnelInput,
    Progress,
    should_post,
)
from commands.warnings.funnel_rules import diagnose, funnel_bottleneck
from commands.warnings.pace_rules import (
    activity_shortfall,
    behind_pace,
    coverage_gap,
    expected_visits_to_date,
)
from commands.warnings.rule_config import RuleConfig, format_rule_config, parse_rule_config
from commands.warnings.rules import DeviationInputs, evaluate_all
from tests.commands.helpers import ALICE_RATES, alice

D = Decimal
TODAY = date(2026, 12, 18)  # a Friday


# --- behind pace ------------------------------------------------------------------------------


def test_behind_pace_names_the_run_rate_and_visits_a_day() -> None:
    [warning] = behind_pace([alice()])
    # attainment 101k / 245k = 41.2%; 13 / 21 days = 61.9%; pace 0.412 / 0.619 = 0.666.
    # 144,000 to go over 8 days = 18,000 a day; 144k / 36k = 4 wins, / 0.5 = 8 opportunities,
    # / 0.45 = 17.8 -> 18 visits, / 8 days = 2.25 -> "2.3" (rounded up: it is what is needed).
    assert warning.message == (
        "Alice: 41% of December's target with 62% of working days gone; "
        "needs 18,000 per working day, 2.3 visits a day"
    )
    assert warning.rule == "behind_pace" and warning.subject == "member:12"
    assert warning.key == "behind_pace:member:12"
    assert warning.figure("required_per_working_day") == D("18000.00")
    assert warning.figure("visits_per_day") == D("2.25")
    assert warning.severity == SERIOUS  # 0.666 is below 0.8 x 0.85 = 0.68, above half of it
    assert "Close 18,000 per working day for the 8 working days left" in warning.fix
    assert "2.3 visits a day at Alice's own rates" in warning.fix


def test_a_pace_exactly_at_the_threshold_is_not_behind() -> None:
    # 210,000 over 20 days, 10 gone: 105,000 expected; 0.85 of it is 89,250.
    on_pace = alice(target=D(210000), actual=D(89250), elapsed_working_days=10,
                    remaining_working_days=10, rates=None)
    assert behind_pace([on_pace]) == []
    [warning] = behind_pace([alice(target=D(210000), actual=D("89249.99"),
                                   elapsed_working_days=10, remaining_working_days=10,
                                   rates=None)])
    assert warning.severity == WARNING
    # (210,000 - 89,249.99) / 10 = 12,075.001 -> 12,075.01, rounded up so it lands the target
    assert warning.message.endswith("needs 12,075.01 per working day")


def test_a_team_gets_visits_per_rep_and_its_currency() -> None:
    rates = ActivityRates(avg_deal_size=D(50000), win_rate=D("0.25"),
                          opportunities_per_visit=D("0.5"), source="team")
    team = Progress(subject="team:3", who="East", period_name="Q4", target=D(1_000_000),
                    actual=D(200_000), elapsed_working_days=10, remaining_working_days=10,
                    currency="USD", reps=4, rates=rates)
    [warning] = behind_pace([team])
    # 800k left: 16 wins (4 a rep), 64 opportunities (16 a rep), 128 visits (32 a rep);
    # over 10 days 12.8 a day, 3.2 a rep. Pace 0.2 / 0.5 = 0.4, under half of 0.85: critical.
    assert warning.message == (
        "East: 20% of Q4's target with 50% of working days gone; "
        "needs 80,000 USD per working day, 12.8 visits a day (3.2 per rep on average, 4 reps)"
    )
    assert warning.severity == CRITICAL
    assert "the team's rates" in warning.fix


def test_behind_pace_seasonal_and_count_metrics() -> None:
    seasonal = alice(target=D(100), actual=D(30), elapsed_working_days=10,
                     remaining_working_days=10, cumulative_share=D("0.5"), rates=None)
    [warning] = behind_pace([seasonal])
    assert "30% of December's target where last year had 50% done by now" in warning.message
    assert warning.severity == SERIOUS  # pace 0.6
    visits = alice(metric="visits", target=D(100), actual=D(20), elapsed_working_days=10,
                   remaining_working_days=10)
    [warning] = behind_pace([visits])
    # (100 - 20) / 10 = 8 visits a day; a count target derives no activity plan
    assert warning.message.endswith("needs 8 visits per working day")
    assert warning.figure("visits_per_day") is None


def test_behind_pace_needs_a_target_and_an_elapsed_day() -> None:
    assert behind_pace([alice(target=D(0))]) == []
    assert behind_pace([alice(elapsed_working_days=0, remaining_working_days=21)]) == []


def test_behind_pace_after_the_last_working_day() -> None:
    [warning] = behind_pace([alice(elapsed_working_days=21, remaining_working_days=0)])
    assert warning.message.endswith("with 100% of working days gone; no working days left")
    assert warning.figure("required_per_working_day") is None
    assert warning.severity == CRITICAL  # pace 0.41
    assert "carry the gap of 144,000" in warning.fix


def test_progress_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError):
        alice(elapsed_working_days=-1)
    with pytest.raises(ValueError):
        alice(reps=0)


# --- activity shortfall -----------------------------------------------------------------------


def test_activity_shortfall_against_the_derived_plan() -> None:
    # December's plan: 245k / 36k = 6.8 -> 7 wins, 14 opportunities, 31.1 -> 32 visits;
    # by day 13 of 21: 32 x 13 / 21 = 19.8 visits expected. 10 logged is 50%.
    assert expected_visits_to_date(D(245000), 1, ALICE_RATES, 13, 21) == D(32) * 13 / 21
    [warning] = activity_shortfall([alice(visits_logged=10)])
    assert warning.message == (
        "Alice: 10 visits logged in December, the activity plan expected 20 by now (50%)"
    )
    assert warning.severity == SERIOUS  # 0.505 < 0.64, not < 0.4
    # the fix is what the remaining 144k needs, as /plan and behind_pace say it
    assert warning.fix.startswith("Book 2.3 visits a working day for the 8 working days left")
    assert activity_shortfall([alice(visits_logged=16)]) == []  # 16 / 19.8 = 0.81


def test_activity_shortfall_with_planned_visits_given() -> None:
    # 40 planned by day 10 of 20 means 80 in the period; 30 logged leaves 50 for 10 days.
    given = alice(visits_logged=30, visits_expected=D(40), elapsed_working_days=10,
                  remaining_working_days=10, rates=None)
    [warning] = activity_shortfall([given])
    assert warning.severity == WARNING  # 0.75
    assert warning.fix == "Book 5 visits a working day for the 10 working days left to get " \
        "back on plan."
    assert activity_shortfall([alice(visits_logged=32, visits_expected=D(40))]) == []  # 0.8


def test_activity_shortfall_needs_a_plan_and_an_elapsed_day() -> None:
    assert activity_shortfall([alice(visits_logged=0, rates=None)]) == []
    assert activity_shortfall([alice(visits_logged=None)]) == []
    assert activity_shortfall([alice(visits_logged=0, elapsed_working_days=0,
                                     remaining_working_days=21)]) == []
    assert activity_shortfall([alice(visits_logged=0, target=D(0))]) == []
    [over] = activity_shortfall([alice(visits_logged=0, elapsed_working_days=21,
                                       remaining_working_days=0)])
    assert over.severity == CRITICAL and "December is over" in over.fix


# --- coverage gap -----------------------------------------------------------------------------


def test_coverage_gap_below_one_over_win_rate() -> None:
    [warning] = coverage_gap([alice(open_pipeline_in_period=D(200000), win_rate=D("0.25"))])
    # 200k / 144k = 1.39; a 25% win rate needs 4.0x = 576k, 376k more.
    assert warning.message == (
        "Alice: pipeline closing in December covers 1.39× the 144,000 still to win; "
        "it needs 4.0× at a 25% win rate"
    )
    assert warning.fix.startswith("Add 376,000 of pipeline expected to close in December")
    assert warning.figure("pipeline_needed") == D("576000.00")
    assert warning.severity == CRITICAL  # 1.39 x 0.25 = 0.35 of what is needed


def test_coverage_gap_shows_the_coverage_as_pipeline_does() -> None:
    # 396k / 144k = 2.75 against the 2.78 a 36% win rate needs: it read "covers 2.8× ...
    # it needs 2.8×", while /pipeline said "coverage 2.75× below the 2.8×".
    [warning] = coverage_gap([alice(open_pipeline_in_period=D(396000), win_rate=D("0.36"))])
    assert "covers 2.75× the 144,000 still to win; it needs 2.8× at a 36% win rate" in \
        warning.message


def test_coverage_gap_uses_the_default_win_rate_without_history() -> None:
    progress = alice(actual=D(145000), open_pipeline_in_period=D(300000), win_rate=None)
    [warning] = coverage_gap([progress])
    # 300k / 100k = 3.0, the default 20% needs 5.0: 0.6 of it
    assert ("covers 3.00× the 100,000 still to win; it needs 5.0× at the configured default "
            "win rate 20% (no closed deals)") in warning.message
    assert warning.severity == SERIOUS
    assert coverage_gap([progress], RuleConfig(default_win_rate=D("0.34"))) == []


def test_coverage_gap_silent_when_healthy_met_or_unknown() -> None:
    assert coverage_gap([alice(open_pipeline_in_period=D(576000), win_rate=D("0.25"))]) == []
    assert coverage_gap([alice(actual=D(245000), open_pipeline_in_period=D(0))]) == []
    assert coverage_gap([alice()]) == []  # no pipeline counted
    assert coverage_gap([alice(open_pipeline_in_period=D(0), remaining_working_days=0)]) == []


# --- deals ------------------------------------------------------------------------------------


def deals(*rows: dict[str, Any]) -> pd.DataFrame:
    base: dict[str, Any] = dict(name="Acme renewal", owner_id=12, owner="Alice",
                                stage="proposal", amount=D(40000), currency="USD",
                                expected_close=None, last_activity_on=None,
                                created_on=date(2026, 11, 1), close_pushes=0)
    return pd.DataFrame([{**base, **row} for row in rows], columns=list(DEAL_COLUMNS))


def test_stale_deal_by_days_without_activity_and_stage_limit() -> None:
    frame = deals(
        dict(ref="D-1", last_activity_on=date(2026, 12, 4)),  # 14 days: stale
        dict(ref="D-2", stage="lead", last_activity_on=date(2026, 12, 5)),  # 13 days: fine
        dict(ref="D-3", stage="negotiation", created_on=date(2026, 11, 15),
             owner_id=None, owner=None),  # never worked: 33 days since created
    )
    found = {w.subject: w for w in stale_deal(frame, TODAY)}
    assert set(found) == {"deal:D-1", "deal:D-3"}
    assert found["deal:D-1"].message == (
        "D-1 Acme renewal (proposal, 40,000 USD), Alice: no activity for 14 days "
        "(limit 14 in proposal)"
    )
    assert found["deal:D-1"].severity == WARNING and found["deal:D-1"].owner == "member:12"
    assert found["deal:D-3"].severity == SERIOUS  # 33 days, twice the limit
    assert found["deal:D-3"].who == "no owner" and found["deal:D-3"].owner is None
    strict = RuleConfig(stale_by_stage=(("proposal", 7),))
    by_stage = {w.subject: w for w in stale_deal(frame, TODAY, strict)}
    assert by_stage["deal:D-1"].severity == SERIOUS  # 14 days is twice proposal's 7
    assert "limit 7 in proposal" in by_stage["deal:D-1"].message


def test_a_scheduled_next_step_counts_as_care_for_a_stale_deal() -> None:
    idle = dict(last_activity_on=date(2026, 11, 1))  # 47 days before TODAY
    frame = deals(dict(ref="D-1", **idle), dict(ref="D-2", **idle),
                  dict(ref="D-3", **idle), dict(ref="D-4", **idle))
    frame[NEXT_STEP_COLUMN] = [TODAY, TODAY + timedelta(days=3),
                               TODAY - timedelta(days=1), None]
    # due today or later: care; overdue or none: still stale
    assert [w.subject for w in stale_deal(frame, TODAY)] == ["deal:D-3", "deal:D-4"]


def test_close_date_passed_only_before_today() -> None:
    frame = deals(
        dict(ref="D-1", expected_close=date(2026, 12, 17)),
        dict(ref="D-2", expected_close=TODAY),
        dict(ref="D-3", expected_close=date(2026, 11, 18)),
        dict(ref="D-4"),
    )
    found = {w.subject: w for w in close_date_passed(frame, TODAY)}
    assert set(found) == {"deal:D-1", "deal:D-3"}
    assert found["deal:D-1"].message == (
        "D-1 Acme renewal (proposal, 40,000 USD), Alice: expected to close 2026-12-17, "
        "1 day ago, still in proposal"
    )
    assert "`/deal D-1 close:YYYY-MM-DD`" in found["deal:D-1"].fix
    assert found["deal:D-1"].severity == WARNING
    assert found["deal:D-3"].severity == CRITICAL  # 30 days late
    assert found["deal:D-3"].figure("days_late") == 30


def test_close_date_pushed_twice_or_more_gets_worse_with_each_push() -> None:
    frame = deals(*(dict(ref=f"D-{n}", close_pushes=n, expected_close=date(2027, 1, 15))
                    for n in (0, 1, 2, 3, 5)))
    found = {w.subject: w.severity for w in close_date_pushed(frame)}
    assert found == {"deal:D-2": WARNING, "deal:D-3": SERIOUS, "deal:D-5": CRITICAL}
    [first, *_] = close_date_pushed(frame)
    assert first.message.endswith("Alice: close date pushed 2 times, now 2027-01-15")
    assert close_date_pushed(frame, RuleConfig(push_limit=6)) == []


def test_deal_rules_accept_an_empty_frame_and_refuse_missing_columns() -> None:
    assert stale_deal(deals(), TODAY) == []
    assert close_date_passed(deals(), TODAY) == []
    with pytest.raises(ValueError, match="close_pushes"):
        close_date_pushed(pd.DataFrame({"ref": ["D-1"]}))


# --- customers --------------------------------------------------------------------------------


def test_tier_cadence_per_tier() -> None:
    customers = pd.DataFrame([
        (1, "Acme", "A", 12, "Alice", date(2026, 11, 18), date(2025, 1, 1)),  # 30 days: within
        (2, "Birch", "A", 12, "Alice", date(2026, 11, 17), date(2025, 1, 1)),  # 31 days
        (3, "Cedar", "B", 13, "Bob", None, date(2026, 6, 1)),  # never, 200 days
        (4, "Delta", "C", 13, "Bob", date(2026, 10, 1), date(2025, 1, 1)),  # 78 of 90
        (5, "Elm", None, None, None, None, date(2020, 1, 1)),  # no tier: no cadence
    ], columns=["customer_id", "name", "tier", "owner_id", "owner", "last_visit_on",
                "created_on"])
    found = {w.subject: w for w in tier_cadence(customers, TODAY)}
    assert set(found) == {"customer:2", "customer:3"}
    assert found["customer:2"].message == (
        "Birch (tier A), Alice: last visited 31 days ago; tier A is visited every 30 days"
    )
    assert found["customer:2"].severity == WARNING and found["customer:2"].owner == "member:12"
    assert found["customer:3"].message.startswith("Cedar (tier B), Bob: never visited")
    assert found["customer:3"].severity == CRITICAL  # 200 days, over three cadences
    assert tier_cadence(customers, TODAY, RuleConfig(cadence_a=31, cadence_b=365)) == []


# --- funnel -----------------------------------------------------------------------------------


STAGES = pd.DataFrame([
    ("lead", 20, 10, 100, 50),  # 50% against 50%
    ("qualified", 10, 2, 80, 40),  # 20% against 50%: 0.4 of the trailing rate
    ("proposal", 4, 0, 50, 30),  # too few this period to judge
    ("negotiation", 6, 3, 10, 6),  # 50% against 60%: 0.83
], columns=["stage", "reached", "advanced", "trailing_reached", "trailing_advanced"])


def test_funnel_bottleneck_as_an_execution_problem() -> None:
    funnel = FunnelInput("team:3", "East", STAGES, visits=110, visits_planned=D(100),
                         opportunities=24, opportunities_planned=D(20))
    [warning] = funnel_bottleneck([funnel])
    assert warning.subject == "team:3/stage:qualified"
    assert warning.message == (
        "East: qualified → proposal converted 2 of 10 (20%) this period against 50% trailing; "
        "looks like an EXECUTION problem, enough leads but low conversion "
        "(visits 110 of 100 planned, new opportunities 24 of 20 planned)"
    )
    assert warning.severity == SERIOUS  # 0.4 < 0.56, not < 0.35
    assert warning.figure("diagnosis") == "execution"
    assert "Review the qualified deals" in warning.fix


def test_funnel_bottleneck_as_a_plan_problem_or_unknown() -> None:
    starved = FunnelInput("team:3", "East", STAGES, visits=60, visits_planned=D(100),
                          opportunities=24, opportunities_planned=D(20))
    [warning] = funnel_bottleneck([starved])
    assert "looks like a PLAN problem, not enough top of funnel (visits 60 of 100 planned" \
        in warning.message
    assert warning.fix.startswith("Fill the top of the funnel first")
    blind = FunnelInput("team:3", "East", STAGES)
    assert diagnose(blind) == "unknown"
    [warning] = funnel_bottleneck([blind])
    assert "plan or execution cannot be told apart" in warning.message


def test_funnel_bottleneck_needs_a_sample_and_a_trailing_rate() -> None:
    quiet = STAGES.assign(trailing_advanced=0)
    assert funnel_bottleneck([FunnelInput("team:3", "East", quiet)]) == []
    assert funnel_bottleneck([FunnelInput("team:3", "East", STAGES)],
                             RuleConfig(funnel_min_sample=11)) == []
    assert funnel_bottleneck([FunnelInput("team:3", "East", STAGES.iloc[0:0])]) == []
    # the last stage converts into "the next stage" (won)
    last = pd.DataFrame([("negotiation", 10, 1, 10, 6)], columns=STAGES.columns)
    [warning] = funnel_bottleneck([FunnelInput("team:3", "East", last)])
    assert "negotiation → the next stage converted 1 of 10" in warning.message


# --- all rules and posting --------------------------------------------------------------------


def test_evaluate_all_runs_the_rules_in_order_and_respects_off() -> None:
    inputs = DeviationInputs(
        today=TODAY,
        progress=[alice(visits_logged=10, open_pipeline_in_period=D(200000),
                        win_rate=D("0.25"))],
        open_deals=deals(dict(ref="D-1", expected_close=date(2026, 12, 1), close_pushes=2,
                              last_activity_on=date(2026, 12, 1))),
        customers=pd.DataFrame([(2, "Birch", "A", 12, "Alice", date(2026, 11, 1),
                                 date(2025, 1, 1))],
                               columns=["customer_id", "name", "tier", "owner_id", "owner",
                                        "last_visit_on", "created_on"]),
        funnels=[FunnelInput("team:3", "East", STAGES)],
    )
    # the forecast's rules read the calls from the database (commands.forecast.deviations)
    assert [w.rule for w in evaluate_all(inputs)] == [r for r in RULES
                                                      if not r.startswith("forecast_")]
    quiet = DeviationInputs(today=TODAY, progress=inputs.progress, open_deals=inputs.open_deals,
                            config=RuleConfig(off=frozenset({"stale_deal", "coverage_gap"})))
    assert [w.rule for w in evaluate_all(quiet)] == [
        "behind_pace", "activity_shortfall", "close_date_passed", "close_date_pushed"]
    assert evaluate_all(DeviationInputs(today=TODAY)) == []


NOW = datetime(2026, 12, 18, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def test_should_post_first_time_and_after_the_cooldown() -> None:
    assert should_post(None, WARNING, None, WEEK, None, NOW)
    assert not should_post(WARNING, WARNING, NOW - timedelta(days=6), WEEK, None, NOW)
    assert should_post(WARNING, WARNING, NOW - WEEK, WEEK, None, NOW)
    assert not should_post(SERIOUS, WARNING, NOW - timedelta(days=1), WEEK, None, NOW)


def test_should_post_again_when_worse_but_never_while_snoozed() -> None:
    assert should_post(WARNING, SERIOUS, NOW - timedelta(hours=1), WEEK, None, NOW)
    snoozed = NOW + timedelta(days=3)
    assert not should_post(None, CRITICAL, None, WEEK, snoozed, NOW)
    assert not should_post(WARNING, CRITICAL, NOW - WEEK, WEEK, snoozed, NOW)
    assert should_post(WARNING, WARNING, NOW - WEEK, WEEK, NOW, NOW)  # the snooze just ended


def test_should_post_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        should_post(None, WARNING, None, WEEK, None, NOW.replace(tzinfo=None))


# --- configuration ----------------------------------------------------------------------------


def test_parse_rule_config_reads_every_setting() -> None:
    config = parse_rule_config({
        "stale_days": "21", "pace_threshold": "90%", "activity_threshold": "0.75",
        "stale_by_stage": "Proposal=7, negotiation=5", "push_limit": "3",
        "cadence_a": "14", "cadence_b": "45", "cadence_c": "120",
        "default_win_rate": "0.3", "funnel_ratio": "0.6", "funnel_min_sample": "8",
        "cooldown_days": "0", "off": "tier_cadence,stale_deal",
    })
    assert config.stale_days == 21 and config.pace_threshold == D("0.9")
    assert config.stale_limit("proposal") == 7 and config.stale_limit("lead") == 21
    assert config.cadence_days("a") == 14 and config.cadence_days("X") is None
    assert config.cooldown == timedelta(0)
    assert config.off == frozenset({"tier_cadence", "stale_deal"})
    assert parse_rule_config(format_rule_config(config)) == config
    assert parse_rule_config({}) == RuleConfig()


def test_parse_rule_config_keeps_the_base_and_turns_rules_back_on() -> None:
    base = RuleConfig(stale_days=10, off=frozenset({"tier_cadence"}))
    config = parse_rule_config({"off": "none", "pace_threshold": "0.8"}, base)
    assert config.stale_days == 10 and config.off == frozenset()
    assert config.pace_threshold == D("0.8")
    assert format_rule_config(RuleConfig())["stale_by_stage"] == "none"


@pytest.mark.parametrize(("options", "message"), [
    ({"stale_day": "14"}, "`stale_day:` is not a warning setting. Did you mean `stale_days:`?"),
    ({"colour": "red"}, "`colour:` is not a warning setting. Settings: pace_threshold"),
    ({"pace_threshold": "fast"}, "`pace_threshold:fast` is not a number. Try "
                                 "pace_threshold:0.85."),
    ({"pace_threshold": "NaN"}, "is not a number"),
    ({"pace_threshold": "1.5"}, "must be above 0 and at most 1 (100%)"),
    ({"default_win_rate": "0%"}, "must be above 0"),
    ({"stale_days": "two weeks"}, "`stale_days:two weeks` is not a whole number of days. "
                                  "Try stale_days:14."),
    ({"stale_days": "-3"}, "is not a whole number of days"),
    ({"stale_days": "0"}, "`stale_days:0` must be from 1 to 3650."),
    ({"push_limit": "1.5"}, "`push_limit:1.5` is not a whole number. Try push_limit:2."),
    ({"cooldown_days": "400"}, "must be from 0 to 365"),
    ({"stale_by_stage": "proposal:7"}, "`proposal:7` is not stage=days"),
    ({"stale_by_stage": "proposal=7,proposal=9"}, "names proposal twice"),
    ({"stale_by_stage": "proposal=soon"}, "is not a whole number of days"),
    ({"off": "stale_deals"}, "`stale_deals` is not a warning rule. Did you mean `stale_deal`?"),
])
def test_parse_rule_config_errors_say_what_is_wrong(options: dict[str, str],
                                                    message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_rule_config(options)
    assert message in str(raised.value)


# --- noise control ----------------------------------------------------------------------------


def test_pace_is_not_judged_in_the_first_working_days_of_a_period() -> None:
    early = alice(actual=D(0), elapsed_working_days=2, remaining_working_days=19,
                  visits_logged=0)
    assert behind_pace([early]) == [] and activity_shortfall([early]) == []
    [warning] = behind_pace([early], RuleConfig(pace_after_days=1))  # tunable per team
    assert warning.rule == "behind_pace"
    assert parse_rule_config({"pace_after_days": "5"}).pace_after_days == 5


def test_no_activity_shortfall_once_the_revenue_target_is_met() -> None:
    assert activity_shortfall([alice(actual=D(250000), visits_logged=0)]) == []
    assert activity_shortfall([alice(visits_logged=0)])  # still owed while behind


def test_one_visit_a_day_is_singular() -> None:
    rates = ActivityRates(avg_deal_size=D(8000), win_rate=D(1), opportunities_per_visit=D(1),
                          source="rep")
    # 144k to go at 8k a deal is 18 wins = 18 visits over 18 days: one a day
    [warning] = behind_pace([alice(remaining_working_days=18, elapsed_working_days=3,
                                   actual=D(0), target=D(144000), rates=rates)])
    assert warning.message.endswith(", 1 visit a day")
