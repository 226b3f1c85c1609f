"""The export's tables as queries, one per table, with their joins done in the database:
names instead of ids, D-<n> references; commands.io.export reads them into pandas.

Each takes a workspace (None: every workspace) and member ids (None: everything; else only
what these members own or are scoped to).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from storage.models import (
    Activity,
    Customer,
    Deal,
    DealHistory,
    FollowUp,
    ForecastAdjustment,
    ForecastCall,
    Member,
    Target,
    Team,
    Workspace,
)

Query: TypeAlias = Select[*tuple[Any, ...]]
Members: TypeAlias = Collection[int] | None


def _ref(number: Any) -> ColumnElement[str]:
    """D-<number>, built in SQL so a missing deal stays empty."""
    return literal("D-", String) + cast(number, String)


def _columns(**columns: Any) -> Select[Any]:
    """A select of these expressions, each labelled with its keyword: the export's header."""
    return select(*(column.label(name) for name, column in columns.items()))


def _scoped(stmt: Query, workspace: Any, workspace_id: int | None, member_ids: Members,
            theirs: Callable[[Collection[int]], ColumnElement[bool]]) -> Query:
    """`stmt` limited to what `theirs` allows the members and to one workspace (None: all)."""
    if member_ids is not None:
        stmt = stmt.where(theirs(member_ids))
    return stmt if workspace_id is None else stmt.where(workspace == workspace_id)


def _customers_of(member_ids: Collection[int]) -> ColumnElement[bool]:
    return or_(
        Customer.owner_id.in_(member_ids),
        Customer.id.in_(select(Deal.customer_id).where(Deal.owner_id.in_(member_ids))),
        Customer.id.in_(select(Activity.customer_id).where(Activity.member_id.in_(member_ids))),
    )


def customers_table(workspace_id: int | None, member_ids: Members) -> Query:
    owner = aliased(Member)
    stmt = (
        _columns(workspace=Workspace.slack_team_id, name=Customer.name, tier=Customer.tier,
                 owner=owner.name, created_at=Customer.created_at)
        .select_from(Customer)
        .join(Workspace, Workspace.id == Customer.workspace_id)
        .outerjoin(owner, owner.id == Customer.owner_id)
        .order_by(Workspace.id, Customer.name_key)
    )
    return _scoped(stmt, Customer.workspace_id, workspace_id, member_ids, _customers_of)


def activities_table(workspace_id: int | None, member_ids: Members) -> Query:
    stmt = (
        _columns(workspace=Workspace.slack_team_id, date=Activity.occurred_on,
                 type=Activity.type, customer=Customer.name, deal=_ref(Deal.number),
                 member=Member.name, outcome=Activity.outcome, notes=Activity.notes,
                 next_step=Activity.next_step, logged_at=Activity.logged_at,
                 follow_up_by=FollowUp.due_on, follow_up_done_at=FollowUp.done_at)
        .select_from(Activity)
        .join(Workspace, Workspace.id == Activity.workspace_id)
        .join(Customer, Customer.id == Activity.customer_id)
        .join(Member, Member.id == Activity.member_id)
        .outerjoin(Deal, Deal.id == Activity.deal_id)
        .outerjoin(FollowUp, FollowUp.activity_id == Activity.id)
        .order_by(Workspace.id, Activity.occurred_on, Activity.logged_at, Activity.id)
    )
    return _scoped(stmt, Activity.workspace_id, workspace_id, member_ids,
                   Activity.member_id.in_)


def deals_table(workspace_id: int | None, member_ids: Members) -> Query:
    stmt = (
        _columns(workspace=Workspace.slack_team_id, ref=_ref(Deal.number), name=Deal.name,
                 customer=Customer.name, owner=Member.name, amount=Deal.amount_minor,
                 currency=Deal.currency, stage=Deal.stage, expected_close=Deal.expected_close,
                 created_at=Deal.created_at, closed_at=Deal.closed_at,
                 lost_reason=Deal.lost_reason,
                 forecast_category=Deal.forecast_category)  # empty: the stage's default
        .select_from(Deal)
        .join(Workspace, Workspace.id == Deal.workspace_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .join(Member, Member.id == Deal.owner_id)
        .order_by(Workspace.id, Deal.number)
    )
    return _scoped(stmt, Deal.workspace_id, workspace_id, member_ids, Deal.owner_id.in_)


def deal_history_table(workspace_id: int | None, member_ids: Members) -> Query:
    stmt = (
        _columns(workspace=Workspace.slack_team_id, deal=_ref(Deal.number),
                 field=DealHistory.field, old=DealHistory.old_value, new=DealHistory.new_value,
                 changed_by=Member.name, changed_at=DealHistory.changed_at)
        .select_from(DealHistory)
        .join(Deal, Deal.id == DealHistory.deal_id)
        .join(Workspace, Workspace.id == Deal.workspace_id)
        .join(Member, Member.id == DealHistory.changed_by_id)
        .order_by(Workspace.id, Deal.number, DealHistory.changed_at, DealHistory.id)
    )
    return _scoped(stmt, Deal.workspace_id, workspace_id, member_ids, Deal.owner_id.in_)


def _targets_of(member_ids: Collection[int]) -> ColumnElement[bool]:
    """Their own targets, and their teams' (not their teammates')."""
    their_teams = select(Member.team_id).where(Member.id.in_(member_ids),
                                               Member.team_id.is_not(None))
    return or_(Target.member_id.in_(member_ids),
               Target.member_id.is_(None) & Target.team_id.in_(their_teams))


def targets_table(workspace_id: int | None, member_ids: Members) -> Query:
    rep, setter = aliased(Member), aliased(Member)
    stmt = (
        _columns(workspace=Workspace.slack_team_id, scope=func.coalesce(rep.name, Team.name),
                 scope_kind=case((Target.member_id.is_(None), "team"), else_="rep"),
                 metric=Target.metric, period_kind=Target.period_kind,
                 start=Target.period_start, end=Target.period_end,
                 target=Target.target_minor, stretch=Target.stretch_minor,
                 challenge=Target.challenge_minor, currency=Target.currency,
                 split=Target.split, set_by=setter.name, set_at=Target.set_at)
        .select_from(Target)
        .join(Workspace, Workspace.id == Target.workspace_id)
        .join(Team, Team.id == Target.team_id)
        .outerjoin(rep, rep.id == Target.member_id)
        .join(setter, setter.id == Target.set_by_id)
        .order_by(Workspace.id, Team.name_key, Target.member_id.is_not(None), rep.name,
                  Target.metric, Target.period_start, Target.period_end.desc(), Target.id)
    )
    return _scoped(stmt, Target.workspace_id, workspace_id, member_ids, _targets_of)


def follow_ups_table(workspace_id: int | None, member_ids: Members) -> Query:
    owner, creator = aliased(Member), aliased(Member)
    stmt = (
        _columns(workspace=Workspace.slack_team_id, ref=literal("F-", String)
                 + cast(FollowUp.id, String), owner=owner.name, text=FollowUp.text,
                 due=FollowUp.due_on, customer=Customer.name, deal=_ref(Deal.number),
                 created_by=creator.name, created_at=FollowUp.created_at,
                 done_at=FollowUp.done_at)
        .select_from(FollowUp)
        .join(Workspace, Workspace.id == FollowUp.workspace_id)
        .join(owner, owner.id == FollowUp.owner_id)
        .join(creator, creator.id == FollowUp.created_by_id)
        .outerjoin(Customer, Customer.id == FollowUp.customer_id)
        .outerjoin(Deal, Deal.id == FollowUp.deal_id)
        .order_by(Workspace.id, FollowUp.due_on, FollowUp.id)
    )
    return _scoped(stmt, FollowUp.workspace_id, workspace_id, member_ids,
                   FollowUp.owner_id.in_)


def forecast_calls_table(workspace_id: int | None, member_ids: Members) -> Query:
    """One row per call a rep submitted, oldest first."""
    person = aliased(Member)
    call = ForecastCall
    stmt = (
        _columns(workspace=Workspace.slack_team_id, person=person.name, team=Team.name,
                 period_kind=call.period_kind, start=call.period_start, end=call.period_end,
                 commit=call.commit_minor, best=call.best_minor, currency=call.currency,
                 note=call.note, submitted_at=call.submitted_at)
        .select_from(call)
        .join(Workspace, Workspace.id == call.workspace_id)
        .join(person, person.id == call.member_id)
        .outerjoin(Team, Team.id == call.team_id)
        .order_by(Workspace.id, call.submitted_at, call.id)
    )
    return _scoped(stmt, call.workspace_id, workspace_id, member_ids, call.member_id.in_)


def forecast_adjustments_table(workspace_id: int | None, member_ids: Members) -> Query:
    """One row per manager's adjustment (of a rep's call, or of the team's: no person)."""
    person, by = aliased(Member), aliased(Member)
    adj = ForecastAdjustment
    stmt = (
        _columns(workspace=Workspace.slack_team_id, team=Team.name, person=person.name,
                 period_kind=adj.period_kind, start=adj.period_start, end=adj.period_end,
                 commit=adj.commit_minor, best=adj.best_minor, currency=adj.currency,
                 reason=adj.reason, adjusted_by=by.name, adjusted_at=adj.adjusted_at)
        .select_from(adj)
        .join(Workspace, Workspace.id == adj.workspace_id)
        .join(Team, Team.id == adj.team_id)
        .outerjoin(person, person.id == adj.member_id)
        .join(by, by.id == adj.adjusted_by_id)
        .order_by(Workspace.id, adj.adjusted_at, adj.id)
    )
    return _scoped(stmt, adj.workspace_id, workspace_id, member_ids, adj.member_id.in_)
