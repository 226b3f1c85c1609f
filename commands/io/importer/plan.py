"""What an import would write, skip and refuse, and what it wrote."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from commands.core.i18n import t, tn
from commands.io.importer.layouts import ImportKind
from storage.models import (
    ActivityType,
    Outcome,
    Tier,
)


@dataclass(frozen=True)
class Problem:
    """A row that cannot be imported, and every reason why."""

    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return t("line {line}: {reasons}", line=self.line, reasons="; ".join(self.reasons))


@dataclass(frozen=True)
class Skipped:
    """A row already in the workspace (or earlier in the file), left alone."""

    line: int
    reason: str

    def __str__(self) -> str:
        return t("line {line}: skipped, {reason}", line=self.line, reason=self.reason)


@dataclass(frozen=True)
class NewCustomer:
    line: int
    name: str
    key: str
    tier: Tier
    owner_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class NewDeal:
    line: int
    name: str
    customer_key: str
    owner_id: int
    amount_minor: int
    currency: str
    stage: str
    expected_close: date | None
    created_at: datetime
    closed_at: datetime | None
    lost_reason: str | None


@dataclass(frozen=True)
class NewActivity:
    line: int
    occurred_on: date
    type: ActivityType
    customer_key: str
    member_id: int
    deal_id: int | None
    outcome: Outcome | None
    notes: str
    next_step: str | None
    logged_at: datetime
    follow_up_by: date | None = None  # the next step is a follow-up due that day
    follow_up_done_at: datetime | None = None


@dataclass(frozen=True)
class NewCall:
    """A rep's forecast call for a month or quarter, as `/forecast submit` records it."""

    line: int
    member_id: int
    team_id: int | None
    period_kind: str
    period_start: date
    period_end: date
    commit_minor: int
    best_minor: int | None
    currency: str
    note: str
    submitted_at: datetime


@dataclass(frozen=True)
class NewAdjustment:
    """A manager's figure beside a rep's call (member None: the team's), as `/forecast
    adjust` records it."""

    line: int
    team_id: int
    member_id: int | None
    period_kind: str
    period_start: date
    period_end: date
    commit_minor: int
    best_minor: int | None
    currency: str
    reason: str
    adjusted_by_id: int
    adjusted_at: datetime


@dataclass(frozen=True)
class NewFollowUp:
    """A next step someone owes by a day, as `/deal D-3 next:` or `/followups add` makes it."""

    line: int
    owner_id: int
    text: str
    due_on: date
    customer_key: str | None
    deal_id: int | None
    created_by_id: int
    created_at: datetime
    done_at: datetime | None


@dataclass(frozen=True)
class ImportPlan:
    """What an import would write, what it would skip, and what stops it."""

    kind: ImportKind
    layout: str
    workspace_id: int
    rows: int
    customers: tuple[NewCustomer, ...] = ()
    deals: tuple[NewDeal, ...] = ()
    activities: tuple[NewActivity, ...] = ()
    calls: tuple[NewCall, ...] = ()
    adjustments: tuple[NewAdjustment, ...] = ()
    follow_ups: tuple[NewFollowUp, ...] = ()
    existing_customers: Mapping[str, int] = field(default_factory=dict)  # name key -> id
    skipped: tuple[Skipped, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def size(self) -> int:
        """How many records the import writes."""
        return (len(self.customers) + len(self.deals) + len(self.activities) + len(self.calls)
                + len(self.adjustments) + len(self.follow_ups))

    def summary(self) -> str:
        """`120 deals, 14 new customers`."""
        return _written(self.kind, len(self.customers), len(self.deals), len(self.activities),
                        len(self.calls), adjustments=len(self.adjustments),
                        follow_ups=len(self.follow_ups))

    def dry_run_message(self) -> str:
        if not self.skipped:
            return t("Dry run: would import {what}. Nothing was written.", what=self.summary())
        rows = tn("{n} row", "{n} rows", len(self.skipped), n=_count(len(self.skipped)))
        return t("Dry run: would import {what}; {rows} already there would be skipped. Nothing "
                 "was written.", what=self.summary(), rows=rows)


@dataclass(frozen=True)
class ImportResult:
    kind: ImportKind
    customers: int
    deals: int
    activities: int
    skipped: int
    calls: int = 0
    adjustments: int = 0
    follow_ups: int = 0
    first_ref: str | None = None
    last_ref: str | None = None

    def message(self) -> str:
        refs = ""
        if self.first_ref is not None:
            refs = (f" ({self.first_ref})" if self.first_ref == self.last_ref
                    else t(" ({first} to {last})", first=self.first_ref, last=self.last_ref))
        what = _written(self.kind, self.customers, self.deals, self.activities, self.calls, refs,
                        adjustments=self.adjustments, follow_ups=self.follow_ups)
        if not self.skipped:
            return t("Imported {what}.", what=what)
        rows = tn("{n} row", "{n} rows", self.skipped, n=_count(self.skipped))
        return t("Imported {what}; skipped {rows} already there.", what=what, rows=rows)


def _count(n: int) -> str:
    return f"{n:,}"


def _written(kind: ImportKind, customers: int, deals: int, activities: int, calls: int,
             refs: str = "", *, adjustments: int = 0, follow_ups: int = 0) -> str:
    """What an import writes: `3 deals (D-1 to D-3), 2 new customers`."""
    if kind is ImportKind.CUSTOMERS:
        return tn("{n} customer", "{n} customers", customers, n=_count(customers))
    if kind is ImportKind.FORECASTS:
        return tn("{n} forecast call", "{n} forecast calls", calls, n=_count(calls))
    if kind is ImportKind.ADJUSTMENTS:
        return tn("{n} forecast adjustment", "{n} forecast adjustments", adjustments,
                  n=_count(adjustments))
    if kind is ImportKind.FOLLOW_UPS:
        main = tn("{n} follow-up", "{n} follow-ups", follow_ups, n=_count(follow_ups))
        new = tn("{n} new customer", "{n} new customers", customers, n=_count(customers))
        return t("{follow_ups}, {customers}", follow_ups=main, customers=new)
    new = tn("{n} new customer", "{n} new customers", customers, n=_count(customers))
    if kind is ImportKind.DEALS:
        main = tn("{n} deal", "{n} deals", deals, n=_count(deals))
        return t("{deals}{refs}, {customers}", deals=main, refs=refs, customers=new)
    main = tn("{n} activity", "{n} activities", activities, n=_count(activities))
    return t("{activities}, {customers}", activities=main, customers=new)
