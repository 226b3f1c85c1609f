"""The funnel: how far deals got through the stages, and the moves between them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from storage.models import Deal, DealHistory, Stage
from storage.repo._common import closed_stage_names, lost_stage_names, won_stage_names


def stage_outcomes(
    session: Session, member_ids: Sequence[int]
) -> Sequence[tuple[str, bool, int]]:
    """(stage reached, won?, closed deals) for closed deals, from their stage history."""
    if not member_ids:
        return []
    won = won_stage_names()
    closed = closed_stage_names()
    is_won = Deal.stage.in_(won)
    rows = session.execute(
        select(DealHistory.new_value, is_won, func.count(func.distinct(Deal.id)))
        .join(Deal, DealHistory.deal_id == Deal.id)
        .where(DealHistory.field == "stage", Deal.owner_id.in_(member_ids),
               Deal.stage.in_(closed))
        .group_by(DealHistory.new_value, is_won)
    ).all()
    return [(str(s), bool(w), int(n)) for s, w, n in rows]


def closed_deal_count(session: Session, member_ids: Sequence[int]) -> int:
    """How many of these members' deals are won or lost, whatever stage they were created at."""
    if not member_ids:
        return 0
    return session.scalar(
        select(func.count()).select_from(Deal).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(closed_stage_names()))
    ) or 0


def _furthest_stage(member_ids: Sequence[int], since: datetime) -> Subquery:
    """(deal id, top): the highest non-lost stage position each deal created since a moment
    ever entered, from its history; a lost deal counts as far as it got."""
    return (
        select(DealHistory.deal_id, func.max(Stage.position).label("top"))
        .join(Deal, DealHistory.deal_id == Deal.id)
        .join(Stage, (Stage.workspace_id == Deal.workspace_id)
              & (Stage.name == DealHistory.new_value))
        .where(DealHistory.field == "stage", Deal.owner_id.in_(member_ids),
               Deal.created_at >= since, Stage.is_lost.is_(False))
        .group_by(DealHistory.deal_id)
        .subquery()
    )


def stage_reach(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[int, int]]:
    """(furthest funnel position reached, deals) for deals created since a moment.

    A deal's furthest position is the highest non-lost stage its history ever entered, so a
    lost deal counts as far as it got. Both levels of aggregation run in the database.
    """
    if not member_ids:
        return []
    furthest = _furthest_stage(member_ids, since)
    rows = session.execute(
        select(furthest.c.top, func.count()).group_by(furthest.c.top)
    ).all()
    return [(int(p), int(n)) for p, n in rows]


def stage_fates(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[int, bool, int]]:
    """(furthest funnel position, lost?, deals) for deals created since a moment, in SQL."""
    if not member_ids:
        return []
    lost = lost_stage_names()
    furthest = _furthest_stage(member_ids, since)
    is_lost = Deal.stage.in_(lost)
    rows = session.execute(
        select(furthest.c.top, is_lost, func.count())
        .join(Deal, Deal.id == furthest.c.deal_id)
        .group_by(furthest.c.top, is_lost)
    ).all()
    return [(int(p), bool(x), int(n)) for p, x, n in rows]


def stage_moves(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime,
    limit: int = 200,
) -> Sequence[tuple[int, str, int, str, str | None, str | None, datetime]]:
    """Stage changes in [start_at, end_at): (deal number, name, amount, currency, from, to,
    when), biggest deals first, at most `limit` rows."""
    if not member_ids:
        return []
    rows = session.execute(
        select(Deal.number, Deal.name, Deal.amount_minor, Deal.currency, DealHistory.old_value,
               DealHistory.new_value, DealHistory.changed_at)
        .join(Deal, DealHistory.deal_id == Deal.id)
        .where(DealHistory.field == "stage", DealHistory.old_value.is_not(None),
               Deal.owner_id.in_(member_ids), DealHistory.changed_at >= start_at,
               DealHistory.changed_at < end_at)
        .order_by(Deal.amount_minor.desc(), DealHistory.changed_at)
        .limit(limit)
    ).all()
    return [(int(n), str(nm), int(a), str(c), o, w, t) for n, nm, a, c, o, w, t in rows]


def stage_exits(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[str, str, int]]:
    """(from stage, to stage, moves) of stage changes in [start_at, end_at), counted in SQL."""
    if not member_ids:
        return []
    rows = session.execute(
        select(DealHistory.old_value, DealHistory.new_value, func.count())
        .join(Deal, DealHistory.deal_id == Deal.id)
        .where(DealHistory.field == "stage", DealHistory.old_value.is_not(None),
               Deal.owner_id.in_(member_ids), DealHistory.changed_at >= start_at,
               DealHistory.changed_at < end_at)
        .group_by(DealHistory.old_value, DealHistory.new_value)
    ).all()
    return [(str(o), str(w), int(n)) for o, w, n in rows]
