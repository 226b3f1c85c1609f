"""The export's forecast tables: every call, and every adjustment beside it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from storage.models import ForecastAdjustment, ForecastCall, Member, Team, Workspace

Query = Select[*tuple[Any, ...]]


def forecast_calls(workspace_id: int | None, member_ids: Collection[int] | None) -> Query:
    """One row per call a rep submitted, oldest first."""
    person = aliased(Member)
    stmt = (
        select(Workspace.slack_team_id.label("workspace"), person.name.label("person"),
               Team.name.label("team"), ForecastCall.period_kind.label("period_kind"),
               ForecastCall.period_start.label("start"), ForecastCall.period_end.label("end"),
               ForecastCall.commit_minor.label("commit"), ForecastCall.best_minor.label("best"),
               ForecastCall.currency.label("currency"), ForecastCall.note.label("note"),
               ForecastCall.submitted_at.label("submitted_at"))
        .select_from(ForecastCall)
        .join(Workspace, Workspace.id == ForecastCall.workspace_id)
        .join(person, person.id == ForecastCall.member_id)
        .outerjoin(Team, Team.id == ForecastCall.team_id)
        .order_by(Workspace.id, ForecastCall.submitted_at, ForecastCall.id)
    )
    if member_ids is not None:
        stmt = stmt.where(ForecastCall.member_id.in_(member_ids))
    return stmt if workspace_id is None else stmt.where(
        ForecastCall.workspace_id == workspace_id)


def forecast_adjustments(workspace_id: int | None,
                         member_ids: Collection[int] | None) -> Query:
    """One row per manager's adjustment (of a rep's call, or of the team's: no person)."""
    person, by = aliased(Member), aliased(Member)
    stmt = (
        select(Workspace.slack_team_id.label("workspace"), Team.name.label("team"),
               person.name.label("person"), ForecastAdjustment.period_kind.label("period_kind"),
               ForecastAdjustment.period_start.label("start"),
               ForecastAdjustment.period_end.label("end"),
               ForecastAdjustment.commit_minor.label("commit"),
               ForecastAdjustment.best_minor.label("best"),
               ForecastAdjustment.currency.label("currency"),
               ForecastAdjustment.reason.label("reason"), by.name.label("adjusted_by"),
               ForecastAdjustment.adjusted_at.label("adjusted_at"))
        .select_from(ForecastAdjustment)
        .join(Workspace, Workspace.id == ForecastAdjustment.workspace_id)
        .join(Team, Team.id == ForecastAdjustment.team_id)
        .outerjoin(person, person.id == ForecastAdjustment.member_id)
        .join(by, by.id == ForecastAdjustment.adjusted_by_id)
        .order_by(Workspace.id, ForecastAdjustment.adjusted_at, ForecastAdjustment.id)
    )
    if member_ids is not None:
        stmt = stmt.where(ForecastAdjustment.member_id.in_(member_ids))
    return stmt if workspace_id is None else stmt.where(
        ForecastAdjustment.workspace_id == workspace_id)
