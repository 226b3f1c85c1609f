"""Export customers, activities, deals and deal history as CSV files people can open.

Each file is one SQL query with its joins done in the database, read into pandas and
written with readable columns: names instead of ids, D-<n> references, money as a decimal
string in its currency (not minor units), timestamps as ISO 8601 in UTC.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd
from sqlalchemy import ColumnElement, Select, String, cast, literal, select
from sqlalchemy.orm import Session, aliased

from storage.models import Activity, Customer, Deal, DealHistory, Member, Workspace

CUSTOMERS_CSV = "customers.csv"
ACTIVITIES_CSV = "activities.csv"
DEALS_CSV = "deals.csv"
DEAL_HISTORY_CSV = "deal_history.csv"

Query: TypeAlias = Select[*tuple[Any, ...]]


def export_csv(session: Session, workspace_id: int | None, out_dir: Path) -> dict[str, int]:
    """Write the four CSV files for one workspace (None: every workspace) into `out_dir`.

    Returns how many data rows each file got, by file name.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, Query, dict[str, Callable[[Any], str | None]]]] = [
        (CUSTOMERS_CSV, _customers(workspace_id),
         {"tier": _text, "created_at": _timestamp}),
        (ACTIVITIES_CSV, _activities(workspace_id),
         {"date": _day, "type": _text, "outcome": _text, "logged_at": _timestamp}),
        (DEALS_CSV, _deals(workspace_id),
         {"amount": _money, "expected_close": _day, "created_at": _timestamp,
          "closed_at": _timestamp}),
        (DEAL_HISTORY_CSV, _deal_history(workspace_id), {"changed_at": _timestamp}),
    ]
    connection = session.connection()
    counts: dict[str, int] = {}
    for name, stmt, formats in files:
        frame = pd.read_sql(stmt, connection, coerce_float=False)
        for column, fmt in formats.items():
            frame[column] = frame[column].map(fmt).astype(object)
        frame.to_csv(out_dir / name, index=False, encoding="utf-8")
        counts[name] = len(frame)
    return counts


# --- queries ------------------------------------------------------------------------------


def _ref(number: Any) -> ColumnElement[str]:
    """D-<number>, built in SQL so a missing deal stays empty."""
    return (literal("D-", String) + cast(number, String)).label("deal")


def _customers(workspace_id: int | None) -> Query:
    owner = aliased(Member)
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            Customer.name.label("name"),
            Customer.tier.label("tier"),
            owner.name.label("owner"),
            Customer.created_at.label("created_at"),
        )
        .select_from(Customer)
        .join(Workspace, Workspace.id == Customer.workspace_id)
        .outerjoin(owner, owner.id == Customer.owner_id)
        .order_by(Workspace.id, Customer.name_key)
    )
    return stmt if workspace_id is None else stmt.where(Customer.workspace_id == workspace_id)


def _activities(workspace_id: int | None) -> Query:
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            Activity.occurred_on.label("date"),
            Activity.type.label("type"),
            Customer.name.label("customer"),
            _ref(Deal.number),
            Member.name.label("member"),
            Activity.outcome.label("outcome"),
            Activity.notes.label("notes"),
            Activity.next_step.label("next_step"),
            Activity.logged_at.label("logged_at"),
        )
        .select_from(Activity)
        .join(Workspace, Workspace.id == Activity.workspace_id)
        .join(Customer, Customer.id == Activity.customer_id)
        .join(Member, Member.id == Activity.member_id)
        .outerjoin(Deal, Deal.id == Activity.deal_id)
        .order_by(Workspace.id, Activity.occurred_on, Activity.logged_at, Activity.id)
    )
    return stmt if workspace_id is None else stmt.where(Activity.workspace_id == workspace_id)


def _deals(workspace_id: int | None) -> Query:
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            _ref(Deal.number).label("ref"),
            Deal.name.label("name"),
            Customer.name.label("customer"),
            Member.name.label("owner"),
            Deal.amount_minor.label("amount"),
            Deal.currency.label("currency"),
            Deal.stage.label("stage"),
            Deal.expected_close.label("expected_close"),
            Deal.created_at.label("created_at"),
            Deal.closed_at.label("closed_at"),
            Deal.lost_reason.label("lost_reason"),
        )
        .select_from(Deal)
        .join(Workspace, Workspace.id == Deal.workspace_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Member, Member.id == Deal.owner_id)
        .order_by(Workspace.id, Deal.number)
    )
    return stmt if workspace_id is None else stmt.where(Deal.workspace_id == workspace_id)


def _deal_history(workspace_id: int | None) -> Query:
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            _ref(Deal.number),
            DealHistory.field.label("field"),
            DealHistory.old_value.label("old"),
            DealHistory.new_value.label("new"),
            Member.name.label("changed_by"),
            DealHistory.changed_at.label("changed_at"),
        )
        .select_from(DealHistory)
        .join(Deal, Deal.id == DealHistory.deal_id)
        .join(Workspace, Workspace.id == Deal.workspace_id)
        .join(Member, Member.id == DealHistory.changed_by_id)
        .order_by(Workspace.id, Deal.number, DealHistory.changed_at, DealHistory.id)
    )
    return stmt if workspace_id is None else stmt.where(Deal.workspace_id == workspace_id)


# --- cell formats -------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str | enum.Enum) and bool(pd.isna(value)))


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


def _day(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, datetime):  # a pandas Timestamp for a date column
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _timestamp(value: Any) -> str | None:
    """ISO 8601 in UTC, to the second: 2026-11-20T01:30:00+00:00."""
    if _missing(value):
        return None
    moment = pd.Timestamp(value)
    if moment.tzinfo is None:
        raise ValueError(f"naive timestamp {value!r} in the database")
    return str(moment.tz_convert("UTC").isoformat(timespec="seconds"))


def _money(value: Any) -> str | None:
    """Integer minor units as a decimal amount: 12000000 -> '120000.00'."""
    if _missing(value):
        return None
    return f"{Decimal(int(value)).scaleb(-2):f}"
