"""Customers: lookups, search, and what the deviation checks read about them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Activity, ActivityType, Customer, Deal, Member

_CUSTOMER_BY_KEY = select(Customer).where(
    Customer.workspace_id == bindparam("ws"), Customer.name_key == bindparam("key")
)
_CUSTOMERS_BY_KEYS = select(Customer).where(
    Customer.workspace_id == bindparam("ws"),
    Customer.name_key.in_(bindparam("keys", expanding=True)),
)


def customer_by_key(session: Session, workspace_id: int, key: str) -> Customer | None:
    return session.scalar(_CUSTOMER_BY_KEY, {"ws": workspace_id, "key": key})


def customers_by_keys(session: Session, workspace_id: int,
                      keys: Sequence[str]) -> dict[str, Customer]:
    """The customers whose name_key is one of `keys`, by key (one query for them all)."""
    found = session.scalars(_CUSTOMERS_BY_KEYS, {"ws": workspace_id, "keys": list(keys)})
    return {c.name_key: c for c in found}


def _customers_of(people: Sequence[int]) -> ColumnElement[bool]:
    """Customers `people` created, have a deal with, or logged an activity with."""
    return or_(
        Customer.owner_id.in_(people),
        select(Deal.id).where(Deal.customer_id == Customer.id,
                              Deal.owner_id.in_(people)).exists(),
        select(Activity.id).where(Activity.customer_id == Customer.id,
                                  Activity.member_id.in_(people)).exists(),
    )


def customer_names(session: Session, workspace_id: int,
                   people: Sequence[int] | None = None) -> Sequence[tuple[str, str]]:
    """(name_key, name) of every customer in the workspace (or only `people`'s)."""
    stmt = select(Customer.name_key, Customer.name).where(Customer.workspace_id == workspace_id)
    if people is not None:
        stmt = stmt.where(_customers_of(people))
    return [(k, n) for k, n in session.execute(stmt).all()]


def search_customers(
    session: Session, workspace_id: int, prefix: str, limit: int = 20,
    people: Sequence[int] | None = None,
) -> Sequence[Customer]:
    """Customers whose name contains `prefix` (of `people` only, if given), by name."""
    stmt = select(Customer).where(Customer.workspace_id == workspace_id)
    if people is not None:
        stmt = stmt.where(_customers_of(people))
    if prefix:
        stmt = stmt.where(func.lower(Customer.name).contains(prefix.lower(), autoescape=True))
    return session.scalars(stmt.order_by(Customer.name).limit(limit)).all()


def customer_rows(
    session: Session, member_ids: Sequence[int]
) -> Sequence[tuple[Any, ...]]:
    """Customers owned by the members with their last visit by anyone, aggregated in SQL.

    Rows: id, name, tier, owner id, owner name, last visit day (None: never), created at.
    """
    if not member_ids:
        return []
    theirs = select(Customer.id).where(Customer.owner_id.in_(member_ids))
    last = (
        select(Activity.customer_id, func.max(Activity.occurred_on).label("last_day"))
        .where(Activity.customer_id.in_(theirs), Activity.type == ActivityType.VISIT)
        .group_by(Activity.customer_id)
        .subquery()
    )
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.tier, Customer.owner_id, Member.name,
               last.c.last_day, Customer.created_at)
        .join(Member, Member.id == Customer.owner_id)
        .outerjoin(last, last.c.customer_id == Customer.id)
        .where(Customer.owner_id.in_(member_ids))
        .order_by(Customer.id)
    ).all()
    return [(i, n, str(getattr(t, "value", t)), o, on, d, c) for i, n, t, o, on, d, c in rows]


def all_customers(session: Session, workspace_id: int) -> Sequence[Customer]:
    """Every customer of a workspace, oldest first."""
    return session.scalars(
        select(Customer).where(Customer.workspace_id == workspace_id).order_by(Customer.id)
    ).all()
