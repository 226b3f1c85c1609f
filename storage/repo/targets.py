"""Targets, period locks, holidays, and the actual of a counted metric."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Activity, ActivityType, Customer, Deal, Holiday, PeriodLock, Target
from storage.repo._common import won_stage_names


def holidays(session: Session, team_id: int) -> set[date]:
    return set(session.scalars(select(Holiday.day).where(Holiday.team_id == team_id)))


def find_target(
    session: Session, workspace_id: int, scope_key: str, metric: str, kind: str, start: date
) -> Target | None:
    return session.scalar(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key == scope_key,
            Target.metric == metric, Target.period_kind == kind, Target.period_start == start,
        )
    )


def targets_within(
    session: Session, workspace_id: int, scope_key: str, metric: str, start: date, end: date
) -> Sequence[Target]:
    """Targets of one scope and metric whose periods lie inside [start, end]."""
    return session.scalars(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key == scope_key,
            Target.metric == metric, Target.period_start >= start, Target.period_end <= end,
        ).order_by(Target.period_start, Target.period_end.desc())
    ).all()


def targets_overlapping(
    session: Session, workspace_id: int, scope_keys: Sequence[str], metric: str, start: date,
    end: date,
) -> Sequence[Target]:
    """Targets of some scopes and one metric whose periods share a day with [start, end]."""
    return session.scalars(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key.in_(scope_keys),
            Target.metric == metric, Target.period_start <= end, Target.period_end >= start,
        ).order_by(Target.period_start, Target.period_end.desc(), Target.id)
    ).all()


def targets_covering(
    session: Session, workspace_id: int, scope_key: str, metric: str, day: date
) -> Sequence[Target]:
    """Targets of one scope and metric whose period contains `day`, longest first."""
    found = session.scalars(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key == scope_key,
            Target.metric == metric, Target.period_start <= day, Target.period_end >= day,
        )
    ).all()
    # Sorted here: date subtraction is not portable SQL (SQLite stores dates as text).
    return sorted(found, key=lambda t: (t.period_start - t.period_end, t.period_start))


def lock_covering(
    session: Session, workspace_id: int, start: date, end: date, scope_keys: Sequence[str]
) -> PeriodLock | None:
    """A lock on one of `scope_keys` (workspace, team:<id>, member:<id>) covering the period."""
    return session.scalar(
        select(PeriodLock).where(
            PeriodLock.workspace_id == workspace_id, PeriodLock.period_start <= start,
            PeriodLock.period_end >= end, PeriodLock.scope_key.in_(scope_keys),
        ).order_by(PeriodLock.id).limit(1)
    )


def metric_actual(
    session: Session, metric: str, member_ids: Sequence[int], start: date, end: date,
    start_at: datetime, end_at: datetime,
) -> int:
    """The actual of a counted metric (wins, visits, new customers, opportunities) over
    members and a period, aggregated in SQL, in hundredths as targets keep it (3 is 300).

    Revenue is not here: it comes in several currencies (commands.core.fx). Dates compare
    local days (`start`..`end`), timestamps the same span as UTC instants.
    """
    if not member_ids:
        return 0
    won = won_stage_names()
    if metric == "wins":
        stmt = select(func.count()).select_from(Deal).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
            Deal.closed_at >= start_at, Deal.closed_at < end_at)
    elif metric == "visits":
        stmt = select(func.count()).select_from(Activity).where(
            Activity.member_id.in_(member_ids), Activity.type == ActivityType.VISIT,
            Activity.occurred_on.between(start, end))
    elif metric == "new_customers":
        stmt = select(func.count()).select_from(Customer).where(
            Customer.owner_id.in_(member_ids),
            Customer.created_at >= start_at, Customer.created_at < end_at)
    elif metric == "opportunities":
        stmt = select(func.count()).select_from(Deal).where(
            Deal.owner_id.in_(member_ids), Deal.created_at >= start_at, Deal.created_at < end_at)
    else:  # pragma: no cover - metrics are validated by the parser
        raise ValueError(metric)
    value = session.scalar(stmt) or 0
    return int(value) * 100
