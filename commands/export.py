"""Export the workspace's records as CSV files people can open in a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from storage.models import Activity, Customer, Deal, DealHistory, Member


def _frame(session: Session, stmt: Select[Any]) -> pd.DataFrame:
    return pd.read_sql(stmt, session.connection())


def _money(minor: pd.Series) -> pd.Series:
    return minor.map(lambda v: f"{int(v) // 100}.{int(v) % 100:02d}" if pd.notna(v) else "")


def _iso(col: pd.Series) -> pd.Series:
    return col.map(lambda v: v.isoformat() if pd.notna(v) and hasattr(v, "isoformat") else v)


def export_csv(session: Session, workspace_id: int | None, out_dir: Path) -> dict[str, int]:
    """Write customers, activities, deals and deal history as CSV; return rows per file."""
    owner = aliased(Member)

    def where(stmt: Select[Any], column: Any) -> Select[Any]:
        return stmt.where(column == workspace_id) if workspace_id is not None else stmt

    frames = {
        "customers.csv": where(
            select(Customer.name, Customer.tier, owner.name.label("owner"),
                   Customer.created_at)
            .outerjoin(owner, Customer.owner_id == owner.id)
            .order_by(Customer.name), Customer.workspace_id),
        "activities.csv": where(
            select(Activity.occurred_on.label("date"), Activity.type,
                   Customer.name.label("customer"), Deal.number.label("deal"),
                   Member.name.label("member"), Activity.outcome, Activity.notes,
                   Activity.next_step, Activity.logged_at)
            .join(Customer, Activity.customer_id == Customer.id)
            .join(Member, Activity.member_id == Member.id)
            .outerjoin(Deal, Activity.deal_id == Deal.id)
            .order_by(Activity.occurred_on, Activity.id), Activity.workspace_id),
        "deals.csv": where(
            select(Deal.number.label("ref"), Deal.name, Customer.name.label("customer"),
                   Member.name.label("owner"), Deal.amount_minor.label("amount"), Deal.currency,
                   Deal.stage, Deal.expected_close, Deal.created_at, Deal.closed_at,
                   Deal.lost_reason)
            .join(Customer, Deal.customer_id == Customer.id)
            .join(Member, Deal.owner_id == Member.id)
            .order_by(Deal.number), Deal.workspace_id),
        "deal_history.csv": where(
            select(Deal.number.label("deal"), DealHistory.field,
                   DealHistory.old_value.label("old"), DealHistory.new_value.label("new"),
                   Member.name.label("changed_by"), DealHistory.changed_at)
            .join(Deal, DealHistory.deal_id == Deal.id)
            .join(Member, DealHistory.changed_by_id == Member.id)
            .order_by(DealHistory.id), Deal.workspace_id),
    }
    counts: dict[str, int] = {}
    for name, stmt in frames.items():
        df = _frame(session, stmt)
        for ref_col in ("ref", "deal"):
            if ref_col in df:
                df[ref_col] = df[ref_col].map(lambda n: f"D-{int(n)}" if pd.notna(n) else "")
        if "amount" in df:
            df["amount"] = _money(df["amount"])
        for col in df.columns:
            if col.endswith(("_at", "_close")) or col == "date":
                df[col] = _iso(df[col])
        df.to_csv(out_dir / name, index=False, encoding="utf-8")
        counts[name] = len(df)
    return counts
