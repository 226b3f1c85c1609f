"""Follow-ups: the next steps reps owe, by the day they are due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Deal, FollowUp, Member


def add_follow_up(session: Session, *, workspace_id: int, owner_id: int, text: str,
                  due_on: date, customer_id: int | None, deal_id: int | None,
                  activity_id: int | None, created_by_id: int, now: datetime) -> FollowUp:
    item = FollowUp(workspace_id=workspace_id, owner_id=owner_id, text=text, due_on=due_on,
                    customer_id=customer_id, deal_id=deal_id, activity_id=activity_id,
                    created_by_id=created_by_id, created_at=now)
    session.add(item)
    session.flush()
    return item


def follow_up(session: Session, workspace_id: int, item_id: int) -> FollowUp | None:
    return session.scalar(select(FollowUp).where(FollowUp.workspace_id == workspace_id,
                                                 FollowUp.id == item_id))


def open_follow_ups(session: Session, owner_ids: Sequence[int], *,
                    due_by: date | None = None) -> Sequence[FollowUp]:
    """The owners' open follow-ups (due on or before `due_by`, when given), earliest first."""
    stmt = (select(FollowUp)
            .where(FollowUp.owner_id.in_(owner_ids), FollowUp.done_at.is_(None))
            .options(selectinload(FollowUp.customer), selectinload(FollowUp.deal),
                     selectinload(FollowUp.owner)))
    if due_by is not None:
        stmt = stmt.where(FollowUp.due_on <= due_by)
    return session.scalars(stmt.order_by(FollowUp.due_on, FollowUp.id)).all()


def owners_with_open_due(session: Session, due_by: date) -> Sequence[tuple[Member, date]]:
    """Everyone with an open follow-up due on or before `due_by` (the latest local day on
    earth: the caller checks each owner's own day), with their earliest due day."""
    earliest = (select(FollowUp.owner_id, func.min(FollowUp.due_on).label("due_on"))
                .where(FollowUp.done_at.is_(None), FollowUp.due_on <= due_by)
                .group_by(FollowUp.owner_id).subquery())
    rows = session.execute(select(Member, earliest.c.due_on)
                           .join(earliest, earliest.c.owner_id == Member.id)
                           .order_by(Member.id)).all()
    return [(member, due_on) for member, due_on in rows]


def deals_with_open_follow_up(session: Session, deal_ids: Sequence[int]) -> set[int]:
    """Of `deal_ids`, the deals with a next step scheduled (an open follow-up)."""
    if not deal_ids:
        return set()
    found = session.scalars(
        select(FollowUp.deal_id).where(FollowUp.deal_id.in_(deal_ids),
                                       FollowUp.done_at.is_(None)).distinct()
    ).all()
    return {deal_id for deal_id in found if deal_id is not None}


def next_steps_by_deal(session: Session, owner_ids: Sequence[int]) -> dict[int, date]:
    """The earliest open follow-up's day of each of the owners' deals, by deal number."""
    rows = session.execute(
        select(Deal.number, func.min(FollowUp.due_on))
        .join(FollowUp, FollowUp.deal_id == Deal.id)
        .where(Deal.owner_id.in_(owner_ids), FollowUp.done_at.is_(None))
        .group_by(Deal.number)
    ).all()
    return {number: due_on for number, due_on in rows}
