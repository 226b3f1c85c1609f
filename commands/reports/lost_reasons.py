"""Why deals were lost: count and value per reason over the month and the quarter, for the
weekly review. Reasons are grouped ignoring case and spacing ("Price", "price ")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.fx import LeftOut, deals_tally
from commands.core.i18n import N_
from commands.core.periods import Period, period_containing
from commands.core.text import name_key
from commands.plan.target_plan import period_bounds
from storage import repo
from storage.models import Deal, Workspace

# the reason of a lost deal that gave none (translated where it is shown)
NO_REASON = N_("no reason given")


@dataclass(frozen=True)
class ReasonLine:
    reason: str
    count: int
    value: Decimal  # in the digest's currency


@dataclass(frozen=True)
class LostReasons:
    period: Period
    lines: tuple[ReasonLine, ...]  # most lost value first
    left_out: tuple[LeftOut, ...] = ()  # lost deals in a currency with no rate: counted only


def lost_reasons(session: Session, ws: Workspace, ids: list[int], period: Period, tz: str,
                 currency: str) -> LostReasons:
    """The deals of `ids` lost in `period` by reason, valued in `currency`."""
    start_at, end_at = period_bounds(period, tz)
    lost = [d for d, _, is_won in repo.closed.closed_between(session, ids, start_at, end_at)
            if not is_won]
    groups: dict[str, list[Deal]] = {}
    names: dict[str, str] = {}
    for deal in lost:
        reason = (deal.lost_reason or "").strip() or NO_REASON
        key = name_key(reason)
        names.setdefault(key, reason)
        groups.setdefault(key, []).append(deal)
    lines: list[ReasonLine] = []
    left_out: list[LeftOut] = []
    for key, deals in groups.items():
        counted = deals_tally(session, deals, currency, ws)
        lines.append(ReasonLine(names[key], len(deals), counted.total))
        left_out += counted.left_out
    lines.sort(key=lambda r: (-r.value, -r.count, r.reason))
    return LostReasons(period, tuple(lines), tuple(left_out))


def month_and_quarter(session: Session, ws: Workspace, ids: list[int], today: date,
                      tz: str, currency: str) -> tuple[LostReasons, LostReasons]:
    """The breakdown over the month and over the quarter that hold `today`."""
    month, quarter = (period_containing(kind, today) for kind in ("month", "quarter"))
    return (lost_reasons(session, ws, ids, month, tz, currency),
            lost_reasons(session, ws, ids, quarter, tz, currency))
