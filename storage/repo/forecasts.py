"""Queries of the forecast call: settings, calls and adjustments (every query lives here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    ForecastAdjustment,
    ForecastCall,
    ForecastSchedule,
    ForecastSettings,
)


def forecast_settings(session: Session, workspace_id: int) -> ForecastSettings | None:
    return session.get(ForecastSettings, workspace_id)


def forecast_schedule(session: Session, team_id: int) -> ForecastSchedule | None:
    return session.get(ForecastSchedule, team_id)


def forecast_schedules(session: Session) -> Sequence[ForecastSchedule]:
    """Every team's forecast schedule that is on."""
    return session.scalars(select(ForecastSchedule).where(ForecastSchedule.enabled)
                           .order_by(ForecastSchedule.team_id)).all()


def calls_for(session: Session, member_ids: Sequence[int], kind: str,
              start: date) -> Sequence[ForecastCall]:
    """The calls some people made for one period, oldest first."""
    if not member_ids:
        return []
    return session.scalars(
        select(ForecastCall).where(ForecastCall.member_id.in_(member_ids),
                                   ForecastCall.period_kind == kind,
                                   ForecastCall.period_start == start)
        .order_by(ForecastCall.submitted_at, ForecastCall.id)
    ).all()


def calls_ended_by(session: Session, member_ids: Sequence[int], kind: str,
                   before: date) -> Sequence[ForecastCall]:
    """The calls some people made for periods of one kind that ended before `before`,
    oldest first."""
    if not member_ids:
        return []
    return session.scalars(
        select(ForecastCall).where(ForecastCall.member_id.in_(member_ids),
                                   ForecastCall.period_kind == kind,
                                   ForecastCall.period_end < before)
        .order_by(ForecastCall.period_start, ForecastCall.submitted_at, ForecastCall.id)
    ).all()


def adjustments_for(session: Session, team_id: int, kind: str,
                    start: date) -> Sequence[ForecastAdjustment]:
    """A team's adjustments (of its reps' calls and of the team's) for one period, oldest
    first."""
    return session.scalars(
        select(ForecastAdjustment).where(ForecastAdjustment.team_id == team_id,
                                         ForecastAdjustment.period_kind == kind,
                                         ForecastAdjustment.period_start == start)
        .order_by(ForecastAdjustment.adjusted_at, ForecastAdjustment.id)
    ).all()
