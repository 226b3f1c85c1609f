"""The customer rule: a customer not visited as often as their tier asks."""

# Pure functions, like every rule: see commands.warnings.deviations.

from __future__ import annotations

from datetime import date

import pandas as pd

from commands.core.i18n import t, tn
from commands.core.money import format_count
from commands.warnings.deviations import CRITICAL, CUSTOMER_COLUMNS, Deviation
from commands.warnings.frames import as_day, frame_rows, owner_name, value_or_none
from commands.warnings.rule_config import DEFAULT_CONFIG, RuleConfig


def tier_cadence(
    customers: pd.DataFrame, today: date, config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each A/B/C customer not visited within its tier's cadence."""
    # Visited exactly `cadence` days ago is still within it; a customer never visited counts
    # from the day it was created.
    out: list[Deviation] = []
    for c in frame_rows(customers, CUSTOMER_COLUMNS):
        tier = str(value_or_none(c["tier"]) or "").upper()
        cadence = config.cadence_days(tier)
        last = as_day(c["last_visit_on"])
        since = last or as_day(c["created_on"])
        if cadence is None or since is None:
            continue
        days = (today - since).days
        if days <= cadence:
            continue
        owner = owner_name(c["owner"])
        owner_id = value_or_none(c["owner_id"])
        seen = (tn("last visited {n} day ago", "last visited {n} days ago", days,
                   n=format_count(days)) if last else t("never visited"))
        out.append(Deviation(
            rule="tier_cadence",
            subject=f"customer:{int(c['customer_id'])}",
            who=owner,
            severity=min(CRITICAL, days // cadence),
            message=t("{customer} (tier {tier}), {owner}: {seen}; tier {tier} is visited "
                      "every {cadence}", customer=c["name"], tier=tier, owner=owner,
                      seen=seen,
                      cadence=tn("{n} day", "{n} days", cadence, n=format_count(cadence))),
            fix=t("{owner}: book a visit with {customer} this week.", owner=owner,
                  customer=c["name"]),
            numbers=(("tier", tier), ("days_since_visit", days), ("cadence", cadence),
                     ("last_visit_on", last)),
            owner=None if owner_id is None else f"member:{int(owner_id)}",
        ))
    return out
