"""The export's tables as queries, one per table, with their joins done in the database:
names instead of ids, D-<n> references; commands.io.export reads them into pandas.

Each takes a workspace (None: every workspace) and member ids (None: everything; else only
what these members own or are scoped to).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from storage.models import (
    Activity,
    Customer,
    Deal,
    DealHistory,
    Member,
    Target,
    Team,
    Workspace,
)

Query: TypeAlias = Select[*tuple[Any, ...]]


def _ref(number: Any) -> ColumnElement[str]:
    """D-<number>, built in SQL so a missing deal stays empty."""
    return (literal("D-", String) + cast(number, String)).label("deal")


def customers_table(workspace_id: int | None, member_ids: Collection[int] | None) -> Query:
    owner = aliased(Member)
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            Customer.name.label("name"),
            Customer.tier.label("tier"),
            owner.name.label("owner"),
            Customer.created_at.label("created_at"),
        )
        .select_from(Customer)
        .join(Workspace, Workspace.id == Customer.workspace_id)
        .outerjoin(owner, owner.id == Customer.owner_id)
        .order_by(Workspace.id, Customer.name_key)
    )
    if member_ids is not None:
        stmt = stmt.where(or_(
            Customer.owner_id.in_(member_ids),
            Customer.id.in_(select(Deal.customer_id).where(Deal.owner_id.in_(member_ids))),
            Customer.id.in_(
                select(Activity.customer_id).where(Activity.member_id.in_(member_ids))),
        ))
    return stmt if workspace_id is None else stmt.where(Customer.workspace_id == workspace_id)


def activities_table(workspace_id: int | None, member_ids: Collection[int] | None) -> Query:
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            Activity.occurred_on.label("date"),
            Activity.type.label("type"),
            Customer.name.label("customer"),
            _ref(Deal.number),
            Member.name.label("member"),
            Activity.outcome.label("outcome"),
            Activity.notes.label("notes"),
            Activity.next_step.label("next_step"),
            Activity.logged_at.label("logged_at"),
        )
        .select_from(Activity)
        .join(Workspace, Workspace.id == Activity.workspace_id)
        .join(Customer, Customer.id == Activity.customer_id)
        .join(Member, Member.id == Activity.member_id)
        .outerjoin(Deal, Deal.id == Activity.deal_id)
        .order_by(Workspace.id, Activity.occurred_on, Activity.logged_at, Activity.id)
    )
    if member_ids is not None:
        stmt = stmt.where(Activity.member_id.in_(member_ids))
    return stmt if workspace_id is None else stmt.where(Activity.workspace_id == workspace_id)


def deals_table(workspace_id: int | None, member_ids: Collection[int] | None) -> Query:
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            _ref(Deal.number).label("ref"),
            Deal.name.label("name"),
            Customer.name.label("customer"),
            Member.name.label("owner"),
            Deal.amount_minor.label("amount"),
            Deal.currency.label("currency"),
            Deal.stage.label("stage"),
            Deal.expected_close.label("expected_close"),
            Deal.created_at.label("created_at"),
            Deal.closed_at.label("closed_at"),
            Deal.lost_reason.label("lost_reason"),
        )
        .select_from(Deal)
        .join(Workspace, Workspace.id == Deal.workspace_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Member, Member.id == Deal.owner_id)
        .order_by(Workspace.id, Deal.number)
    )
    if member_ids is not None:
        stmt = stmt.where(Deal.owner_id.in_(member_ids))
    return stmt if workspace_id is None else stmt.where(Deal.workspace_id == workspace_id)


def deal_history_table(workspace_id: int | None, member_ids: Collection[int] | None) -> Query:
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            _ref(Deal.number),
            DealHistory.field.label("field"),
            DealHistory.old_value.label("old"),
            DealHistory.new_value.label("new"),
            Member.name.label("changed_by"),
            DealHistory.changed_at.label("changed_at"),
        )
        .select_from(DealHistory)
        .join(Deal, Deal.id == DealHistory.deal_id)
        .join(Workspace, Workspace.id == Deal.workspace_id)
        .join(Member, Member.id == DealHistory.changed_by_id)
        .order_by(Workspace.id, Deal.number, DealHistory.changed_at, DealHistory.id)
    )
    if member_ids is not None:
        stmt = stmt.where(Deal.owner_id.in_(member_ids))
    return stmt if workspace_id is None else stmt.where(Deal.workspace_id == workspace_id)


def targets_table(workspace_id: int | None, member_ids: Collection[int] | None) -> Query:
    rep, setter = aliased(Member), aliased(Member)
    is_team = Target.member_id.is_(None)
    stmt = (
        select(
            Workspace.slack_team_id.label("workspace"),
            func.coalesce(rep.name, Team.name).label("scope"),
            case((is_team, "team"), else_="rep").label("scope_kind"),
            Target.metric.label("metric"),
            Target.period_kind.label("period_kind"),
            Target.period_start.label("start"),
            Target.period_end.label("end"),
            Target.target_minor.label("target"),
            Target.stretch_minor.label("stretch"),
            Target.challenge_minor.label("challenge"),
            Target.currency.label("currency"),
            Target.split.label("split"),
            setter.name.label("set_by"),
            Target.set_at.label("set_at"),
        )
        .select_from(Target)
        .join(Workspace, Workspace.id == Target.workspace_id)
        .join(Team, Team.id == Target.team_id)
        .outerjoin(rep, rep.id == Target.member_id)
        .join(setter, setter.id == Target.set_by_id)
        .order_by(Workspace.id, Team.name_key, Target.member_id.is_not(None), rep.name,
                  Target.metric, Target.period_start, Target.period_end.desc(), Target.id)
    )
    if member_ids is not None:
        their_teams = select(Member.team_id).where(Member.id.in_(member_ids),
                                                   Member.team_id.is_not(None))
        stmt = stmt.where(or_(Target.member_id.in_(member_ids),
                              is_team & Target.team_id.in_(their_teams)))
    return stmt if workspace_id is None else stmt.where(Target.workspace_id == workspace_id)
