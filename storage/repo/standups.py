"""Stand-ups: configs, answers, out of office, prompts sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from storage.models import Delivery, DeliveryStatus, OutOfOffice, StandupAnswer, StandupConfig, Team


def config_for(session: Session, team_id: int) -> StandupConfig | None:
    return session.scalar(select(StandupConfig).where(StandupConfig.team_id == team_id))


def live_configs(session: Session) -> Sequence[StandupConfig]:
    """Configs with a stand-up to run: turned on, or with a one-off `/standup now`."""
    return session.scalars(
        select(StandupConfig)
        .where(or_(StandupConfig.enabled, StandupConfig.adhoc_day.is_not(None)))
        .options(selectinload(StandupConfig.team).selectinload(Team.members),
                 selectinload(StandupConfig.team).selectinload(Team.managers))
        .order_by(StandupConfig.id)
    ).all()


def answer_for(session: Session, member_id: int, day: date) -> StandupAnswer | None:
    return session.scalar(
        select(StandupAnswer).where(StandupAnswer.member_id == member_id,
                                    StandupAnswer.day == day)
    )


def answers_between(
    session: Session, team_id: int, start: date, end: date
) -> Sequence[StandupAnswer]:
    """A team's answers (and skips) for days start..end, oldest answer first."""
    return session.scalars(
        select(StandupAnswer)
        .where(StandupAnswer.team_id == team_id, StandupAnswer.day.between(start, end))
        .order_by(StandupAnswer.answered_at, StandupAnswer.id)
    ).all()


def away_between(
    session: Session, member_ids: Sequence[int], start: date, end: date
) -> Sequence[OutOfOffice]:
    """Out-of-office ranges of these members overlapping start..end."""
    if not member_ids:
        return []
    return session.scalars(
        select(OutOfOffice).where(OutOfOffice.member_id.in_(member_ids),
                                  OutOfOffice.start_day <= end, OutOfOffice.end_day >= start)
    ).all()


def away_from(session: Session, member_id: int, day: date) -> Sequence[OutOfOffice]:
    """A member's out-of-office ranges that end on or after `day`, soonest first."""
    return session.scalars(
        select(OutOfOffice)
        .where(OutOfOffice.member_id == member_id, OutOfOffice.end_day >= day)
        .order_by(OutOfOffice.start_day)
    ).all()


def prompts_sent(session: Session, member_ids: Sequence[int], start: date, end: date) -> int:
    """Stand-up prompts actually delivered to these members for days start..end."""
    if not member_ids:
        return 0
    return session.scalar(
        select(func.count()).select_from(Delivery).where(
            Delivery.kind == "standup_prompt",
            Delivery.subject.in_([f"member:{m}" for m in member_ids]),
            Delivery.local_period.between(start.isoformat(), end.isoformat()),
            Delivery.status == DeliveryStatus.SENT)
    ) or 0
