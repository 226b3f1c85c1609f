"""Activities: visits, calls and the rest a member logs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Activity, ActivityType, Customer, Member
from storage.repo._common import ACTIVITY

_ADD_ACTIVITY = ACTIVITY.insert().returning(ACTIVITY.c.id)


def add_activity(session: Session, **values: Any) -> int:
    """Insert one activity row and return its id (a Core insert: the hot path of /visit)."""
    return int(session.execute(_ADD_ACTIVITY, values).scalar_one())


def recent_activities(session: Session, deal_id: int, limit: int = 5) -> Sequence[Activity]:
    return session.scalars(
        select(Activity)
        .where(Activity.deal_id == deal_id)
        .order_by(Activity.occurred_on.desc(), Activity.id.desc())
        .limit(limit)
    ).all()


def activities_on(session: Session, member_id: int, day: date) -> Sequence[Activity]:
    return session.scalars(
        select(Activity)
        .where(Activity.member_id == member_id, Activity.occurred_on == day)
        .options(selectinload(Activity.customer))
        .order_by(Activity.id)
    ).all()


def visits_by_tier(
    session: Session, member_ids: Sequence[int], start: date, end: date
) -> dict[str, int]:
    """Visits in [start, end] by the visited customer's tier, counted in SQL."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(Customer.tier, func.count())
        .select_from(Activity)
        .join(Customer, Activity.customer_id == Customer.id)
        .where(Activity.member_id.in_(member_ids), Activity.type == ActivityType.VISIT,
               Activity.occurred_on.between(start, end))
        .group_by(Customer.tier)
    ).all()
    return {str(getattr(t, "value", t)): int(n) for t, n in rows}


def logged_on(session: Session, slack_user_id: str, day: date) -> Sequence[tuple[Any, str]]:
    """(type, customer name) of what a Slack user logged for `day`, in the order logged."""
    rows = session.execute(
        select(Activity.type, Customer.name)
        .join(Customer, Customer.id == Activity.customer_id)
        .join(Member, Member.id == Activity.member_id)
        .where(Member.slack_user_id == slack_user_id, Activity.occurred_on == day)
        .order_by(Activity.logged_at, Activity.id)
    ).all()
    return [(kind, str(name)) for kind, name in rows]
