"""Exchange rates an admin set."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import FxRate


def fx_rates(session: Session, workspace_id: int) -> Sequence[FxRate]:
    """The exchange rates an admin set for a workspace, by currency."""
    return session.scalars(
        select(FxRate).options(selectinload(FxRate.set_by))
        .where(FxRate.workspace_id == workspace_id)
        .order_by(FxRate.currency, FxRate.quote)
    ).all()


def find_fx_rate(session: Session, workspace_id: int, currency: str,
                 quote: str) -> FxRate | None:
    return session.scalar(
        select(FxRate).where(FxRate.workspace_id == workspace_id, FxRate.currency == currency,
                             FxRate.quote == quote)
    )
