"""Every warning rule over one check's inputs, in the order the warnings are listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from commands.core.fx import LeftOut
from commands.warnings.customer_rules import tier_cadence
from commands.warnings.deal_rules import close_date_passed, close_date_pushed, stale_deal
from commands.warnings.deviations import RULES, Deviation, FunnelInput, Progress, Rule
from commands.warnings.funnel_rules import funnel_bottleneck
from commands.warnings.pace_rules import activity_shortfall, behind_pace, coverage_gap
from commands.warnings.rule_config import RuleConfig


@dataclass(frozen=True, eq=False)
class DeviationInputs:
    """Everything one check looks at; a missing input skips the rules that need it."""

    today: date
    config: RuleConfig = field(default_factory=RuleConfig)
    progress: Sequence[Progress] = ()
    open_deals: pd.DataFrame | None = None  # DEAL_COLUMNS
    customers: pd.DataFrame | None = None  # CUSTOMER_COLUMNS
    funnels: Sequence[FunnelInput] = ()
    # deals the revenue and pipeline figures above could not count (another currency, no rate)
    left_out: Sequence[LeftOut] = ()


def evaluate_all(inputs: DeviationInputs) -> list[Deviation]:
    """Run every rule that is on and has its input, in RULES order, worst first within a rule."""
    config = inputs.config
    found: dict[Rule, list[Deviation]] = {
        "behind_pace": behind_pace(inputs.progress, config),
        "activity_shortfall": activity_shortfall(inputs.progress, config),
        "coverage_gap": coverage_gap(inputs.progress, config),
        "funnel_bottleneck": funnel_bottleneck(inputs.funnels, config),
    }
    if inputs.open_deals is not None:
        found["stale_deal"] = stale_deal(inputs.open_deals, inputs.today, config)
        found["close_date_passed"] = close_date_passed(inputs.open_deals, inputs.today)
        found["close_date_pushed"] = close_date_pushed(inputs.open_deals, config,
                                                       inputs.today)
    if inputs.customers is not None:
        found["tier_cadence"] = tier_cadence(inputs.customers, inputs.today, config)
    out: list[Deviation] = []
    for rule in RULES:
        if config.is_on(rule):
            out.extend(sorted(found.get(rule, []), key=lambda d: (-d.severity, d.subject)))
    return out
