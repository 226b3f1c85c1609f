"""The pace rules: behind pace, too few visits for the plan, too little pipeline to cover
what is left."""

# Pure functions, like every rule: see commands.warnings.deviations.

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from commands.core.dates import format_day
from commands.core.i18n import N_, t, tn
from commands.core.money import CENT, format_amount, format_count, format_money
from commands.plan.activity import (
    ActivityPlan,
    ActivityRates,
    coverage_healthy,
    derive_activity_plan,
    pipeline_coverage,
)
from commands.plan.scorecard import scorecard
from commands.warnings.deviations import (
    Deviation,
    Progress,
    percent,
    shortfall_severity,
    whole_number,
)
from commands.warnings.rule_config import DEFAULT_CONFIG, RuleConfig

ZERO = Decimal(0)
ONE = Decimal(1)
TENTH = Decimal("0.1")
METRIC_UNITS = {"wins": N_("{count} wins"), "visits": N_("{count} visits"),
                "new_customers": N_("{count} new customers"),
                "opportunities": N_("{count} opportunities")}


def behind_pace(
    progress: Iterable[Progress], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each team or rep whose pace is below the threshold, with the run rate to recover."""
    # Nothing to say without a target or before the first working day has ended.
    out: list[Deviation] = []
    for p in progress:
        if p.elapsed_working_days < config.pace_after_days:
            continue  # two days into a month, everyone is "behind": too early to say
        card = scorecard(
            p.target, p.actual,
            elapsed_working_days=p.elapsed_working_days,
            remaining_working_days=p.remaining_working_days,
            cumulative_share=p.cumulative_share,
            threshold=config.pace_threshold,
        )
        if not card.behind or card.pace is None or card.attainment is None:
            continue
        share = card.expected_share or ZERO
        gone = (t("where last year had {share} done by now", share=percent(share))
                if p.cumulative_share is not None
                else t("with {share} of working days gone", share=percent(share)))
        if p.tracked_since is not None:
            gone = t("{gone} since the target was set on {day}", gone=gone,
                     day=format_day(p.tracked_since))
        head = t("{who}: {attainment} of {period}'s target {gone}", who=p.who,
                 attainment=percent(card.attainment), period=p.period_name, gone=gone)
        plan = _remaining_activity_plan(p)
        visits = plan.visits_per_day if plan else None
        required = card.required_per_working_day
        if required is None:
            message = t("{head}; no working days left", head=head)
            fix = t("{period} is over: carry the gap of {amount} into the next plan and review "
                    "why in the weekly review.", period=p.period_name,
                    amount=_amount(p, p.target - p.actual))
        elif plan is not None and visits is not None:
            per_rep = _per_rep(plan)
            message = t("{head}; needs {amount} per working day, {visits} a day{per_rep}",
                        head=head, amount=_amount(p, required), visits=_visits(visits),
                        per_rep=per_rep)
            fix = tn("Close {amount} per working day for the {n} working day left: about "
                     "{visits} a day{per_rep} at {rates}; review the deals closing this period "
                     "first.",
                     "Close {amount} per working day for the {n} working days left: about "
                     "{visits} a day{per_rep} at {rates}; review the deals closing this period "
                     "first.",
                     p.remaining_working_days, n=format_count(p.remaining_working_days),
                     amount=_amount(p, required), visits=_visits(visits), per_rep=per_rep,
                     rates=_rate_source(p))
        else:
            message = t("{head}; needs {amount} per working day", head=head,
                        amount=_amount(p, required))
            fix = tn("Close {amount} per working day for the {n} working day left; review the "
                     "deals closing this period first.",
                     "Close {amount} per working day for the {n} working days left; review the "
                     "deals closing this period first.",
                     p.remaining_working_days, n=format_count(p.remaining_working_days),
                     amount=_amount(p, required))
        out.append(Deviation(
            rule="behind_pace",
            subject=p.subject,
            who=p.who,
            severity=shortfall_severity(card.pace, config.pace_threshold),
            message=message,
            fix=fix,
            numbers=(
                ("target", p.target),
                ("actual", p.actual),
                ("attainment", card.attainment),
                ("expected_share", card.expected_share),
                ("pace", card.pace),
                ("required_per_working_day", required),
                ("visits_per_day", visits),
                ("visits_per_rep_per_day", plan.visits_per_rep_per_day if plan else None),
                ("projected", card.projected),
                ("remaining_working_days", p.remaining_working_days),
            ),
        ))
    return out


def expected_visits_to_date(
    target: Decimal, reps: int, rates: ActivityRates, elapsed_working_days: int,
    total_working_days: int,
) -> Decimal | None:
    """Return the visits the period's derived activity plan expects by now, linearly."""
    # The plan is derived from the whole period's target, as it stood on day one, so catching
    # up on revenue does not lower the visits expected so far.
    if total_working_days <= 0 or target <= 0:
        return None
    plan = derive_activity_plan(target, reps, rates, total_working_days)
    return Decimal(plan.visits_needed) * elapsed_working_days / total_working_days


def activity_shortfall(
    progress: Iterable[Progress], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each team or rep that logged fewer visits than the activity plan expects by now."""
    # The fix quotes the visits a day the remaining target needs (what /plan says) when rates
    # are known, else the linear catch-up to the period's planned visits.
    out: list[Deviation] = []
    for p in progress:
        if p.visits_logged is None or p.elapsed_working_days < max(config.pace_after_days, 1):
            continue
        if p.metric == "revenue" and p.actual >= p.target:
            continue  # the target is met: no visits are owed to it any more
        expected = p.visits_expected
        if expected is None and p.rates is not None and p.metric == "revenue":
            expected = expected_visits_to_date(p.target, p.reps, p.rates,
                                               p.elapsed_working_days, p.total_working_days)
        if expected is None or expected <= 0:
            continue
        ratio = Decimal(p.visits_logged) / expected
        if ratio >= config.activity_threshold:
            continue
        planned_total = expected * p.total_working_days / p.elapsed_working_days
        plan = _remaining_activity_plan(p)
        per_day: Decimal | None = None
        if plan is not None and plan.visits_per_day is not None:
            per_day = plan.visits_per_day
            fix = tn("Book {visits} a working day for the {n} working day left{per_rep}: what "
                     "the rest of the target needs at {rates}.",
                     "Book {visits} a working day for the {n} working days left{per_rep}: what "
                     "the rest of the target needs at {rates}.",
                     p.remaining_working_days, n=format_count(p.remaining_working_days),
                     visits=_visits(per_day), per_rep=_per_rep(plan), rates=_rate_source(p))
        elif p.remaining_working_days > 0:
            per_day = max(planned_total - p.visits_logged, ZERO) / p.remaining_working_days
            fix = tn("Book {visits} a working day for the {n} working day left to get back on "
                     "plan.",
                     "Book {visits} a working day for the {n} working days left to get back on "
                     "plan.",
                     p.remaining_working_days, n=format_count(p.remaining_working_days),
                     visits=_visits(per_day))
        else:
            fix = t("{period} is over: plan the missing visits into the next period and ask "
                    "what kept them off the calendar.", period=p.period_name)
        out.append(Deviation(
            rule="activity_shortfall",
            subject=p.subject,
            who=p.who,
            severity=shortfall_severity(ratio, config.activity_threshold),
            message=tn("{who}: {n} visit logged in {period}, the activity plan expected "
                       "{expected} by now ({ratio})",
                       "{who}: {n} visits logged in {period}, the activity plan expected "
                       "{expected} by now ({ratio})",
                       p.visits_logged, n=format_count(p.visits_logged), who=p.who,
                       period=p.period_name, expected=whole_number(expected),
                       ratio=percent(ratio)),
            fix=fix,
            numbers=(
                ("visits_logged", p.visits_logged),
                ("visits_expected", expected),
                ("ratio", ratio),
                ("visits_per_day_needed", per_day),
            ),
        ))
    return out


def coverage_gap(
    progress: Iterable[Progress], config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each team or rep whose pipeline closing this period is below 1 / win rate."""
    out: list[Deviation] = []
    for p in progress:
        if p.open_pipeline_in_period is None or p.remaining_working_days <= 0:
            continue
        remaining = p.target - p.actual
        coverage = pipeline_coverage(p.open_pipeline_in_period, remaining)
        if p.win is not None:
            rate, which = p.win.rate, p.win.describe()
        elif p.win_rate is None or p.win_rate <= 0:
            rate = config.default_win_rate
            which = t("the configured default win rate {rate} (no closed deals)",
                      rate=percent(rate))
        else:
            rate, which = p.win_rate, t("a {rate} win rate", rate=percent(p.win_rate))
        if p.target <= 0 or coverage is None or coverage_healthy(coverage, rate):
            continue
        # estimates from a rate: whole units, so a rounded target share shows no stray cent
        needed = (remaining / rate).quantize(ONE, ROUND_HALF_UP)
        gap = needed - p.open_pipeline_in_period
        out.append(Deviation(
            rule="coverage_gap",
            subject=p.subject,
            who=p.who,
            severity=shortfall_severity(coverage * rate, ONE),
            # the coverage as /pipeline and the digest show it (two decimals), so "covers
            # 2.75×" never reads "covers 2.8×" next to a need of 2.8×
            message=t("{who}: pipeline closing in {period} covers {coverage}× the {amount} "
                      "still to win; it needs {needed} at {which}", who=p.who,
                      period=p.period_name, coverage=_two_decimals(coverage),
                      amount=_amount(p, remaining), needed=_times(ONE / rate), which=which),
            fix=t("Add {amount} of pipeline expected to close in {period}, or pull later deals "
                  "forward.", amount=_amount(p, gap), period=p.period_name),
            numbers=(
                ("open_pipeline_in_period", p.open_pipeline_in_period),
                ("remaining_target", remaining),
                ("coverage", coverage),
                ("win_rate", rate),
                ("coverage_needed", ONE / rate),
                ("pipeline_needed", needed.quantize(CENT, ROUND_HALF_UP)),
                ("pipeline_gap", gap.quantize(CENT, ROUND_HALF_UP)),
            ),
        ))
    return out


def _remaining_activity_plan(p: Progress) -> ActivityPlan | None:
    if p.metric != "revenue" or p.remaining_working_days <= 0:
        return None
    if p.plan is not None:
        return p.plan
    if p.rates is None:
        return None
    return derive_activity_plan(p.target - p.actual, p.reps, p.rates, p.remaining_working_days)


def _amount(p: Progress, value: Decimal) -> str:
    if p.metric != "revenue":
        unit = METRIC_UNITS.get(p.metric)
        count = _tenth_up(value)
        return t(unit, count=count) if unit else f"{count} {p.metric}"
    return format_money(value, p.currency) if p.currency else format_amount(value)


def _two_decimals(value: Decimal) -> str:
    return f"{value:.2f}"


def _times(value: Decimal) -> str:
    return f"{value.quantize(TENTH, ROUND_HALF_UP)}×"


def _tenth_up(value: Decimal) -> str:
    """Show a count needed per day to one decimal, rounded up: 2.25 visits is 2.3, 3.0 is 3."""
    tenths = value.quantize(TENTH, ROUND_CEILING)
    return str(tenths.quantize(ONE)) if tenths == tenths.to_integral_value() else str(tenths)


def _visits(value: Decimal) -> str:
    count = _tenth_up(value)
    # a count like 2.3 is plural in English; only exactly 1 is singular
    return tn("{n} visit", "{n} visits", 1 if count == "1" else 2, n=count)


def _per_rep(plan: ActivityPlan | None) -> str:
    """The team's visits a day shared by its reps, the exact share shown rounded up."""
    each = plan.visits_per_rep_per_day if plan is not None else None
    if plan is None or plan.reps <= 1 or not each:
        return ""
    # TRANSLATORS: follows "N visits a day" (mind the leading space)
    return t(" ({each} per rep on average, {reps} reps)", each=_tenth_up(each), reps=plan.reps)


def _rate_source(p: Progress) -> str:
    """Which rates a plan figure came from and why, as pick_win_rate chose them."""
    if p.plan is not None and p.plan.members:
        return t("each rep's own rates (the team's figures are their reps' plans added up)")
    rates = p.plan.rates if p.plan is not None else p.rates
    if rates is None or (rates.basis is None and rates.source == "default"):
        return t("the default rates")
    if rates.basis is None:
        if rates.source == "rep":
            return t("{who}'s own rates", who=p.who)
        return t("the team's rates")
    return rates.basis.describe()
