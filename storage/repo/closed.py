"""Deals won or lost: counts, totals to convert, cycle times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import Activity, ActivityType, Deal, Member
from storage.repo._common import closed_stage_names, lost_stage_names, won_stage_names


def rate_counts(
    session: Session, member_ids: Sequence[int], since: datetime, since_day: date
) -> tuple[int, int, int, int]:
    """(won, lost, opportunities created, visits) since a moment; amounts, which come in
    several currencies, are commands.core.fx.closed_since's."""
    if not member_ids:
        return 0, 0, 0, 0
    won = won_stage_names()
    lost = lost_stage_names()
    owned = Deal.owner_id.in_(member_ids)
    row = session.execute(
        select(
            func.count().filter(Deal.stage.in_(won), Deal.closed_at >= since),
            func.count().filter(Deal.stage.in_(lost), Deal.closed_at >= since),
            func.count().filter(Deal.created_at >= since),
        ).where(owned)
    ).one()
    visits = session.scalar(
        select(func.count()).select_from(Activity).where(
            Activity.member_id.in_(member_ids), Activity.type == ActivityType.VISIT,
            Activity.occurred_on >= since_day)
    ) or 0
    return int(row[0]), int(row[1]), int(row[2]), int(visits)


def closed_deals_since(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[int, str, str, int, bool]]:
    """(number, name, currency, amount in hundredths, won?) of deals won or lost since a
    moment, biggest first: a total over them converts each currency through a rate."""
    if not member_ids:
        return []
    won = won_stage_names()
    lost = lost_stage_names()
    rows = session.execute(
        select(Deal.number, Deal.name, Deal.currency, Deal.amount_minor, Deal.stage.in_(won))
        .where(Deal.owner_id.in_(member_ids), Deal.closed_at >= since,
               or_(Deal.stage.in_(won), Deal.stage.in_(lost)))
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
    return [(int(n), str(nm), str(c), int(a), bool(w)) for n, nm, c, a, w in rows]


def won_cycles(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[datetime, datetime]]:
    """(created, closed) of the deals won since a moment: one row per won deal."""
    if not member_ids:
        return []
    won = won_stage_names()
    rows = session.execute(
        select(Deal.created_at, Deal.closed_at).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won), Deal.closed_at >= since)
    ).all()
    return [(c, d) for c, d in rows if d is not None]


def closed_between(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[Deal, str, bool]]:
    """Deals won or lost in [start_at, end_at) with their owner's name and whether won."""
    if not member_ids:
        return []
    won = won_stage_names()
    closed = closed_stage_names()
    rows = session.execute(
        select(Deal, Member.name, Deal.stage.in_(won))
        .join(Member, Member.id == Deal.owner_id)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.in_(closed),
               Deal.closed_at >= start_at, Deal.closed_at < end_at)
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
    return [(d, str(n), bool(w)) for d, n, w in rows]


def won_in(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime,
) -> Sequence[tuple[datetime, int, str, str, int]]:
    """(closed at, number, name, currency, amount in hundredths) of deals won in
    [start_at, end_at), in every currency: the caller totals them in one."""
    if not member_ids:
        return []
    won = won_stage_names()
    rows = session.execute(
        select(Deal.closed_at, Deal.number, Deal.name, Deal.currency, Deal.amount_minor).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
            Deal.closed_at >= start_at, Deal.closed_at < end_at)
    ).all()
    return [(c, int(n), str(nm), str(cur), int(a)) for c, n, nm, cur, a in rows
            if c is not None]


def won_deals_between(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[int, int, str, str, int]]:
    """(workspace id, number, name, currency, amount in hundredths) of deals won in
    [start_at, end_at), biggest first."""
    if not member_ids:
        return []
    won = won_stage_names()
    rows = session.execute(
        select(Deal.workspace_id, Deal.number, Deal.name, Deal.currency, Deal.amount_minor)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
               Deal.closed_at >= start_at, Deal.closed_at < end_at)
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
    return [(int(w), int(n), str(nm), str(c), int(a)) for w, n, nm, c, a in rows]
