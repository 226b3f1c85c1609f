"""Deals: numbering and creating them, finding them, their history and the open ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, bindparam, func, select, true, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, selectinload

from storage.models import Activity, Deal, DealHistory, Member, Stage
from storage.repo._common import DEAL, DEAL_HISTORY, WORKSPACE, closed_stage_names

_ADD_DEAL = DEAL.insert().returning(DEAL.c.id)
_ADD_DEAL_HISTORY = DEAL_HISTORY.insert()
_STAGES = select(Stage).where(Stage.workspace_id == bindparam("ws")).order_by(Stage.position)
_NEXT_DEAL_NUMBER = (
    update(WORKSPACE)
    .where(WORKSPACE.c.id == bindparam("ws"))
    .values(deal_seq=WORKSPACE.c.deal_seq + 1)
    .returning(WORKSPACE.c.deal_seq)
)

# create_deal on PostgreSQL: the numbering UPDATE, the deal and its history rows as
# data-modifying CTEs, each feeding the next through RETURNING. The deal's parameters are
# prefixed: an UPDATE would take a parameter named like a workspace column (name,
# created_at) for a value to SET.
_NEW_DEAL_COLUMNS = ("workspace_id", "name", "customer_id", "owner_id", "amount_minor",
                     "currency", "stage", "expected_close", "created_at")
_SEQ = _NEXT_DEAL_NUMBER.cte("seq")
_NEW_DEAL = (
    pg_insert(DEAL)
    .from_select(
        ["number", *_NEW_DEAL_COLUMNS],
        select(_SEQ.c.deal_seq, *(bindparam(f"deal_{name}", type_=DEAL.c[name].type)
                                  for name in _NEW_DEAL_COLUMNS)),
    )
    .returning(DEAL.c.id, DEAL.c.number)
    .cte("new_deal")
)
_HISTORY_ROWS = func.unnest(
    bindparam("fields", type_=postgresql.ARRAY(String)),
    bindparam("new_values", type_=postgresql.ARRAY(String)),
).table_valued("field", "new_value").render_derived(name="history_rows")
_NEW_DEAL_HISTORY = (
    pg_insert(DEAL_HISTORY)
    .from_select(
        ["deal_id", "field", "new_value", "changed_by_id", "changed_at"],
        select(_NEW_DEAL.c.id, _HISTORY_ROWS.c.field, _HISTORY_ROWS.c.new_value,
               bindparam("changed_by_id", type_=DEAL_HISTORY.c.changed_by_id.type),
               bindparam("deal_created_at", type_=DEAL_HISTORY.c.changed_at.type))
        .select_from(_NEW_DEAL).join(_HISTORY_ROWS, true()),
    )
    .cte("new_deal_history")
)
_CREATE_DEAL = select(_NEW_DEAL.c.number).add_cte(_NEW_DEAL_HISTORY)
_DEAL_BY_NUMBER = (
    select(Deal)
    .where(Deal.workspace_id == bindparam("ws"), Deal.number == bindparam("number"))
    .options(selectinload(Deal.history))
)


def stages(session: Session, workspace_id: int) -> Sequence[Stage]:
    return session.scalars(_STAGES, {"ws": workspace_id}).all()


def next_deal_number(session: Session, workspace_id: int) -> int:
    """Hand out the next D-<n> number; the row update serialises concurrent creators."""
    number = session.execute(_NEXT_DEAL_NUMBER, {"ws": workspace_id}).scalar()
    assert number is not None
    return number


def create_deal(session: Session, values: dict[str, Any],
                history: Sequence[tuple[str, str]], changed_by_id: int) -> int:
    """Number a new deal (the workspace's next D-<n>), insert it and its first history rows
    (field, new value), changed by `changed_by_id` at the deal's created_at; return the
    number. `values` are the deal's columns but its number.

    On PostgreSQL all of it is one statement: one round trip instead of three.
    """
    if session.get_bind().dialect.name != "postgresql":
        number = next_deal_number(session, values["workspace_id"])
        add_deal(session, {**values, "number": number},
                 [dict(field=name, old_value=None, new_value=value, changed_by_id=changed_by_id,
                       changed_at=values["created_at"]) for name, value in history])
        return number
    number = session.execute(_CREATE_DEAL, {
        **{f"deal_{name}": value for name, value in values.items()},
        "ws": values["workspace_id"], "fields": [name for name, _ in history],
        "new_values": [value for _, value in history], "changed_by_id": changed_by_id,
    }).scalar_one()
    return int(number)


def add_deal(session: Session, values: dict[str, Any],
             history: Sequence[dict[str, Any]]) -> int:
    """Insert a new deal and its first history rows; return the deal's id.

    Core inserts, not the ORM: creating a deal is a hot path (see add_activity).
    """
    deal_id = int(session.execute(_ADD_DEAL, values).scalar_one())
    if history:
        session.execute(_ADD_DEAL_HISTORY, [{**row, "deal_id": deal_id} for row in history])
    return deal_id


def deal_by_number(session: Session, workspace_id: int, number: int) -> Deal | None:
    return session.scalar(_DEAL_BY_NUMBER, {"ws": workspace_id, "number": number})


def open_deals(session: Session, owner_id: int) -> Sequence[Deal]:
    closed = closed_stage_names()
    return session.scalars(
        select(Deal)
        .where(Deal.owner_id == owner_id, Deal.stage.not_in(closed))
        .order_by(Deal.expected_close.is_(None), Deal.expected_close, Deal.number)
    ).all()


def open_deals_of(session: Session, member_ids: Sequence[int]) -> Sequence[Deal]:
    """Open deals of some members, biggest first."""
    if not member_ids:
        return []
    closed = closed_stage_names()
    return session.scalars(
        select(Deal).where(Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed))
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()


def open_deal_numbers(session: Session, workspace_id: int) -> Sequence[tuple[int, int]]:
    """(customer id, number) of a workspace's open deals, by number."""
    rows = session.execute(
        select(Deal.customer_id, Deal.number)
        .join(Stage, (Stage.workspace_id == Deal.workspace_id) & (Stage.name == Deal.stage))
        .where(Deal.workspace_id == workspace_id, ~Stage.is_won, ~Stage.is_lost)
        .order_by(Deal.number))
    return [(int(c), int(n)) for c, n in rows]


def open_closing_between(
    session: Session, member_ids: Sequence[int], start: date, end: date
) -> Sequence[Deal]:
    """Open deals expected to close in [start, end], biggest first."""
    if not member_ids:
        return []
    closed = closed_stage_names()
    return session.scalars(
        select(Deal)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed),
               Deal.expected_close.between(start, end))
        .order_by(Deal.amount_minor.desc())
    ).all()


def deal_changes_between(
    session: Session, member_id: int, start_at: datetime, end_at: datetime
) -> Sequence[DealHistory]:
    """Deal changes a member made in [start_at, end_at), oldest first."""
    return session.scalars(
        select(DealHistory)
        .where(DealHistory.changed_by_id == member_id, DealHistory.changed_at >= start_at,
               DealHistory.changed_at < end_at)
        .options(selectinload(DealHistory.deal).selectinload(Deal.customer))
        .order_by(DealHistory.id)
    ).all()


def stale_deals(
    session: Session, member_ids: Sequence[int], cutoff_day: date, cutoff_at: datetime,
    limit: int = 10,
) -> tuple[int, Sequence[tuple[Deal, date | None]]]:
    """Open deals with no activity since `cutoff_day` (nor created since `cutoff_at`).

    Returns how many there are and the biggest `limit` of them with their last activity day.
    """
    if not member_ids:
        return 0, []
    closed = closed_stage_names()
    last = (
        select(Activity.deal_id, func.max(Activity.occurred_on).label("last_day"))
        .where(Activity.deal_id.in_(select(Deal.id).where(Deal.owner_id.in_(member_ids))))
        .group_by(Activity.deal_id)
        .subquery()
    )
    condition = (
        Deal.owner_id.in_(member_ids) & Deal.stage.not_in(closed)
        & (((last.c.last_day.is_(None)) & (Deal.created_at < cutoff_at))
           | (last.c.last_day < cutoff_day))
    )
    base = select(Deal, last.c.last_day).outerjoin(last, last.c.deal_id == Deal.id)
    count = session.scalar(
        select(func.count()).select_from(Deal).outerjoin(last, last.c.deal_id == Deal.id)
        .where(condition)
    ) or 0
    rows = session.execute(
        base.where(condition).order_by(Deal.amount_minor.desc(), Deal.number).limit(limit)
    ).all()
    return int(count), [(d, day) for d, day in rows]


def open_deal_rows(
    session: Session, member_ids: Sequence[int]
) -> Sequence[tuple[Any, ...]]:
    """Open deals with what the deal rules look at, aggregated in SQL.

    Rows: number, name, owner id, owner name, stage, amount in hundredths, currency, expected
    close, last activity day (None: never), created at, close-date pushes (later dates).
    """
    if not member_ids:
        return []
    closed = closed_stage_names()
    # Both aggregates are limited to these members' deals: over the whole workspace they
    # would cost every team the whole organisation's history (see bench/analytics.py).
    theirs = select(Deal.id).where(Deal.owner_id.in_(member_ids))
    last = (
        select(Activity.deal_id, func.max(Activity.occurred_on).label("last_day"))
        .where(Activity.deal_id.in_(theirs))
        .group_by(Activity.deal_id)
        .subquery()
    )
    pushes = (
        select(DealHistory.deal_id, func.count().label("pushes"))
        .where(DealHistory.deal_id.in_(theirs), DealHistory.field == "close",
               DealHistory.old_value.is_not(None),
               DealHistory.new_value > DealHistory.old_value)
        .group_by(DealHistory.deal_id)
        .subquery()
    )
    return session.execute(
        select(Deal.number, Deal.name, Deal.owner_id, Member.name, Deal.stage, Deal.amount_minor,
               Deal.currency, Deal.expected_close, last.c.last_day, Deal.created_at,
               func.coalesce(pushes.c.pushes, 0))
        .join(Member, Member.id == Deal.owner_id)
        .outerjoin(last, last.c.deal_id == Deal.id)
        .outerjoin(pushes, pushes.c.deal_id == Deal.id)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed))
        .order_by(Deal.number)
    ).all()


def close_pushes_between(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[Deal, str, str, str]]:
    """Open deals whose close date was pushed later in [start_at, end_at): (deal, owner,
    old date, new date), biggest first, one row per push."""
    if not member_ids:
        return []
    closed = closed_stage_names()
    rows = session.execute(
        select(Deal, Member.name, DealHistory.old_value, DealHistory.new_value)
        .join(Deal, DealHistory.deal_id == Deal.id)
        .join(Member, Member.id == Deal.owner_id)
        .where(DealHistory.field == "close", DealHistory.old_value.is_not(None),
               DealHistory.new_value > DealHistory.old_value,
               Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed),
               DealHistory.changed_at >= start_at, DealHistory.changed_at < end_at)
        .order_by(Deal.amount_minor.desc(), DealHistory.changed_at)
    ).all()
    return [(d, str(n), str(o), str(w)) for d, n, o, w in rows]
