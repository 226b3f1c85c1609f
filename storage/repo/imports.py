"""What the importer checks a file against: the workspace's people, customers, deals and
the activities already logged, each loaded in one query for the whole file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    Activity,
    Customer,
    Deal,
    FollowUp,
    ForecastAdjustment,
    ForecastCall,
    Member,
    Team,
)


class Known(NamedTuple):
    """A workspace's rows as the importer matches them."""

    members: Sequence[Member]
    customers: Sequence[tuple[str, int, str]]  # (name key, id, name)
    deals: Sequence[tuple[int, int, int, str]]  # (number, id, customer id, name)


def known(session: Session, workspace_id: int) -> Known:
    """The members, customers and deals a workspace already holds."""
    members = session.scalars(select(Member).where(Member.workspace_id == workspace_id)).all()
    customers = session.execute(
        select(Customer.name_key, Customer.id, Customer.name)
        .where(Customer.workspace_id == workspace_id)).all()
    deals = session.execute(
        select(Deal.number, Deal.id, Deal.customer_id, Deal.name)
        .where(Deal.workspace_id == workspace_id)).all()
    return Known(members, [(k, i, n) for k, i, n in customers],
                 [(num, i, c, n) for num, i, c, n in deals])


def activities_between(
    session: Session, workspace_id: int, first: date, last: date
) -> Sequence[tuple[Any, ...]]:
    """(customer id, member id, day, type, notes) of the activities logged first..last."""
    return session.execute(
        select(Activity.customer_id, Activity.member_id, Activity.occurred_on,
               Activity.type, Activity.notes)
        .where(Activity.workspace_id == workspace_id,
               Activity.occurred_on.between(first, last))).all()


def forecast_calls(session: Session, workspace_id: int) -> Sequence[tuple[Any, ...]]:
    """(member id, period kind, period start, submitted at) of the workspace's calls."""
    return session.execute(
        select(ForecastCall.member_id, ForecastCall.period_kind, ForecastCall.period_start,
               ForecastCall.submitted_at)
        .where(ForecastCall.workspace_id == workspace_id)).all()


def teams(session: Session, workspace_id: int) -> Sequence[tuple[str, int, str]]:
    """(name key, id, name) of the workspace's teams."""
    return [(k, i, n) for k, i, n in session.execute(
        select(Team.name_key, Team.id, Team.name).where(Team.workspace_id == workspace_id))]


def forecast_adjustments(session: Session, workspace_id: int) -> Sequence[tuple[Any, ...]]:
    """(team id, member id, period kind, period start, adjusted at) of the workspace's
    forecast adjustments."""
    adj = ForecastAdjustment
    return session.execute(
        select(adj.team_id, adj.member_id, adj.period_kind, adj.period_start, adj.adjusted_at)
        .where(adj.workspace_id == workspace_id)).all()


def follow_ups(session: Session, workspace_id: int) -> Sequence[tuple[Any, ...]]:
    """(owner id, text, due day) of the workspace's follow-ups."""
    return session.execute(
        select(FollowUp.owner_id, FollowUp.text, FollowUp.due_on)
        .where(FollowUp.workspace_id == workspace_id)).all()
