"""The deal rules: stale deals, close dates passed, close dates pushed again and again."""

# Pure functions, like every rule: see commands.warnings.deviations.

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from commands.core.i18n import t, tn
from commands.core.money import format_amount, format_count, format_money
from commands.deals.labels import stage_label
from commands.warnings.deviations import (
    CRITICAL,
    DEAL_COLUMNS,
    NEXT_STEP_COLUMN,
    SERIOUS,
    WARNING,
    Deviation,
    Figure,
    Rule,
)
from commands.warnings.frames import (
    as_day,
    as_int,
    as_money,
    frame_rows,
    owner_name,
    shown_day,
    value_or_none,
)
from commands.warnings.rule_config import DEFAULT_CONFIG, RuleConfig


def stale_deal(
    open_deals: pd.DataFrame, today: date, config: RuleConfig = DEFAULT_CONFIG
) -> list[Deviation]:
    """Warn for each open deal with no activity for its stage's limit of days or more."""
    # A deal never worked on counts from the day it was created.
    out: list[Deviation] = []
    for deal in frame_rows(open_deals, DEAL_COLUMNS):
        last = as_day(deal["last_activity_on"]) or as_day(deal["created_on"])
        if last is None:
            continue
        idle = (today - last).days
        limit = config.stale_limit(str(deal["stage"]))
        if idle < limit or _next_step_scheduled(deal, today):
            continue
        owner = owner_name(deal["owner"])
        out.append(_deal_deviation(
            "stale_deal", deal, min(CRITICAL, idle // limit),
            message=tn("{deal}, {owner}: no activity for {n} day (limit {limit} in {stage})",
                       "{deal}, {owner}: no activity for {n} days (limit {limit} in {stage})",
                       idle, n=format_count(idle), deal=_deal_label(deal), owner=owner, limit=limit,
                       stage=stage_label(str(deal["stage"]))),
            fix=t("{owner}: log the next step with the customer (`/visit`), or close {ref} as "
                  "lost if it is dead.", owner=owner, ref=deal["ref"]),
            numbers=(("days_idle", idle), ("limit", limit), ("last_activity_on", last)),
        ))
    return out


def _next_step_scheduled(deal: dict[str, Any], today: date) -> bool:
    """A next step due today or later (an open follow-up) is care: the deal is not idle.
    An overdue one is not; frames without the column have none."""
    next_on = as_day(deal.get(NEXT_STEP_COLUMN))
    return next_on is not None and next_on >= today


def close_date_passed(open_deals: pd.DataFrame, today: date) -> list[Deviation]:
    """Warn for each open deal whose expected close date is before today."""
    out: list[Deviation] = []
    for deal in frame_rows(open_deals, DEAL_COLUMNS):
        close = as_day(deal["expected_close"])
        if close is None or close >= today:
            continue
        late = (today - close).days
        severity = WARNING if late < 14 else SERIOUS if late < 30 else CRITICAL
        out.append(_deal_deviation(
            "close_date_passed", deal, severity,
            message=tn("{deal}, {owner}: expected to close {close}, {n} day ago, still in "
                       "{stage}",
                       "{deal}, {owner}: expected to close {close}, {n} days ago, still in "
                       "{stage}",
                       late, n=format_count(late), deal=_deal_label(deal),
                       owner=owner_name(deal["owner"]), close=shown_day(close, today),
                       stage=stage_label(str(deal["stage"]))),
            fix=t("Set a date you believe (`/deal {ref} close:YYYY-MM-DD`), or close it with "
                  "`/deal {ref} won` or `lost`.", ref=deal["ref"]),
            numbers=(("expected_close", close), ("days_late", late)),
        ))
    return out


def close_date_pushed(
    open_deals: pd.DataFrame, config: RuleConfig = DEFAULT_CONFIG, today: date | None = None
) -> list[Deviation]:
    """Warn for each open deal whose close date was postponed push_limit times or more."""
    # Each push past the limit is worse, so it is posted again.
    out: list[Deviation] = []
    for deal in frame_rows(open_deals, DEAL_COLUMNS):
        pushes = as_int(deal["close_pushes"])
        if pushes < config.push_limit:
            continue
        close = as_day(deal["expected_close"])
        label, owner = _deal_label(deal), owner_name(deal["owner"])
        if close is not None:
            message = tn("{deal}, {owner}: close date pushed {n} time, now {close}",
                         "{deal}, {owner}: close date pushed {n} times, now {close}",
                         pushes, n=format_count(pushes), deal=label, owner=owner,
                         close=shown_day(close, today))
        else:
            message = tn("{deal}, {owner}: close date pushed {n} time",
                         "{deal}, {owner}: close date pushed {n} times",
                         pushes, n=format_count(pushes), deal=label, owner=owner)
        out.append(_deal_deviation(
            "close_date_pushed", deal, min(CRITICAL, pushes - config.push_limit + 1),
            message=message,
            fix=t("Ask what the customer is really waiting for and agree the next step with a "
                  "date; if nobody can say, qualify the deal out."),
            numbers=(("pushes", pushes), ("expected_close", close)),
        ))
    return out


def _deal_deviation(
    rule: Rule, deal: dict[str, Any], severity: int, *, message: str, fix: str,
    numbers: tuple[tuple[str, Figure], ...],
) -> Deviation:
    owner_id = value_or_none(deal["owner_id"])
    return Deviation(
        rule=rule,
        subject=f"deal:{deal['ref']}",
        who=owner_name(deal["owner"]),
        severity=severity,
        message=message,
        fix=fix,
        numbers=(("amount", as_money(deal["amount"])), ("stage", str(deal["stage"])), *numbers),
        owner=None if owner_id is None else f"member:{int(owner_id)}",
    )


def _deal_label(deal: dict[str, Any]) -> str:
    currency = value_or_none(deal["currency"])
    amount = format_money(as_money(deal["amount"]), currency) if currency \
        else format_amount(as_money(deal["amount"]))
    return t("{ref} {deal} ({stage}, {amount})", ref=deal["ref"], deal=deal["name"],
             stage=stage_label(str(deal["stage"])), amount=amount)
