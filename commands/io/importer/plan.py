"""What an import would write, skip and refuse, and what it wrote."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from commands.core.text import plural
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
        return f"line {self.line}: {'; '.join(self.reasons)}"


@dataclass(frozen=True)
class Skipped:
    """A row already in the workspace (or earlier in the file), left alone."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: skipped, {self.reason}"


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
    existing_customers: Mapping[str, int] = field(default_factory=dict)  # name key -> id
    skipped: tuple[Skipped, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def size(self) -> int:
        """How many records the import writes."""
        return len(self.customers) + len(self.deals) + len(self.activities) + len(self.calls)

    def summary(self) -> str:
        """`120 deals, 14 new customers`."""
        if self.kind is ImportKind.CUSTOMERS:
            return plural(len(self.customers), "customer")
        if self.kind is ImportKind.FORECASTS:
            return plural(len(self.calls), "forecast call")
        main = (plural(len(self.deals), "deal") if self.kind is ImportKind.DEALS
                else plural(len(self.activities), "activity", "activities"))
        return f"{main}, {plural(len(self.customers), 'new customer')}"

    def dry_run_message(self) -> str:
        skipped = f"; {plural(len(self.skipped), 'row')} already there would be skipped" \
            if self.skipped else ""
        return f"Dry run: would import {self.summary()}{skipped}. Nothing was written."


@dataclass(frozen=True)
class ImportResult:
    kind: ImportKind
    customers: int
    deals: int
    activities: int
    skipped: int
    calls: int = 0
    first_ref: str | None = None
    last_ref: str | None = None

    def message(self) -> str:
        if self.kind is ImportKind.CUSTOMERS:
            what = plural(self.customers, "customer")
        elif self.kind is ImportKind.FORECASTS:
            what = plural(self.calls, "forecast call")
        elif self.kind is ImportKind.DEALS:
            refs = "" if self.first_ref is None else (
                f" ({self.first_ref})" if self.first_ref == self.last_ref
                else f" ({self.first_ref} to {self.last_ref})")
            what = f"{plural(self.deals, 'deal')}{refs}, {plural(self.customers, 'new customer')}"
        else:
            what = (f"{plural(self.activities, 'activity', 'activities')}, "
                    f"{plural(self.customers, 'new customer')}")
        skipped = f"; skipped {plural(self.skipped, 'row')} already there" if self.skipped \
            else ""
        return f"Imported {what}{skipped}."
