"""Repository functions: every query salesbot makes, each taking the session first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    ActionItem,
    Activity,
    ActivityType,
    Customer,
    Deal,
    DealHistory,
    FxRate,
    Holiday,
    Member,
    PeriodLock,
    ProcessedRequest,
    Role,
    Stage,
    Target,
    Team,
    TeamSettings,
    Workspace,
)

T = TypeVar("T")

# name, win probability in percent; the order is the funnel's.
DEFAULT_STAGES: tuple[tuple[str, int], ...] = (
    ("lead", 10),
    ("qualified", 25),
    ("proposal", 50),
    ("negotiation", 75),
    ("won", 100),
    ("lost", 0),
)


def add_or_get(session: Session, obj: T, find: Callable[[], T | None]) -> T:
    """Insert `obj`, or return the row a concurrent transaction inserted first.

    For rows first created by whoever gets there first (a workspace, a member, a customer):
    two requests racing on PostgreSQL would otherwise fail one with a unique violation. The
    insert runs in a savepoint, so losing the race rolls back only the insert.
    """
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
        return obj
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found


def claim_once(session: Session, key: str, now: datetime) -> bool:
    """Record `key` as processed; False when it already was (by anyone, any instance).

    The row is written in the caller's transaction, so a command that fails and rolls
    back leaves the key unclaimed and a retry can still succeed.
    """
    dialect = session.get_bind().dialect.name
    stmt = _CLAIM["postgresql" if dialect == "postgresql" else "sqlite"]
    return session.execute(stmt, {"key": key, "at": now}).first() is not None


# Built once: these run on every request, and building a statement costs more CPU than
# running it. Inserts and the deal counter go straight to the table (Core), skipping the
# ORM's unit of work and bulk-insert machinery.
_PROCESSED, _ACTIVITY, _DEAL, _DEAL_HISTORY, _WORKSPACE = (
    cast(Table, model.__table__)
    for model in (ProcessedRequest, Activity, Deal, DealHistory, Workspace)
)
_CLAIM = {
    name: insert(_PROCESSED)
    .values(key=bindparam("key"), processed_at=bindparam("at"))
    .on_conflict_do_nothing()
    .returning(_PROCESSED.c.key)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
# The claim as a data-modifying CTE, then the caller's workspace and member, if known,
# outer-joined to a one-row select so that the claim's outcome comes back either way.
_CLAIMED = _CLAIM["postgresql"].cte("claimed")
_CLAIM_AND_MEMBER = (
    select(select(func.count()).select_from(_CLAIMED).scalar_subquery().label("claimed"),
           Workspace, Member)
    .select_from(select(literal_column("1").label("one")).subquery("one"))
    .outerjoin(Workspace, Workspace.slack_team_id == bindparam("team"))
    .outerjoin(Member, and_(Member.workspace_id == Workspace.id,
                            Member.slack_user_id == bindparam("user")))
)
_WORKSPACE_BY_TEAM = select(Workspace).where(Workspace.slack_team_id == bindparam("team"))
_WORKSPACE_AND_MEMBER = (
    select(Workspace, Member)
    .join(Member, Member.workspace_id == Workspace.id)
    .where(Workspace.slack_team_id == bindparam("team"),
           Member.slack_user_id == bindparam("user"))
)
_MEMBER_BY_SLACK_ID = select(Member).where(
    Member.workspace_id == bindparam("ws"), Member.slack_user_id == bindparam("user")
)
_CUSTOMER_BY_KEY = select(Customer).where(
    Customer.workspace_id == bindparam("ws"), Customer.name_key == bindparam("key")
)
_CUSTOMERS_BY_KEYS = select(Customer).where(
    Customer.workspace_id == bindparam("ws"),
    Customer.name_key.in_(bindparam("keys", expanding=True)),
)
_ADD_ACTIVITY = _ACTIVITY.insert().returning(_ACTIVITY.c.id)
_ADD_DEAL = _DEAL.insert().returning(_DEAL.c.id)
_ADD_DEAL_HISTORY = _DEAL_HISTORY.insert()
_STAGES = select(Stage).where(Stage.workspace_id == bindparam("ws")).order_by(Stage.position)
_NEXT_DEAL_NUMBER = (
    update(_WORKSPACE)
    .where(_WORKSPACE.c.id == bindparam("ws"))
    .values(deal_seq=_WORKSPACE.c.deal_seq + 1)
    .returning(_WORKSPACE.c.deal_seq)
)
# create_deal on PostgreSQL: the numbering UPDATE, the deal and its history rows as
# data-modifying CTEs, each feeding the next through RETURNING. The deal's parameters are
# prefixed: an UPDATE would take a parameter named like a workspace column (name,
# created_at) for a value to SET.
_NEW_DEAL_COLUMNS = ("workspace_id", "name", "customer_id", "owner_id", "amount_minor",
                     "currency", "stage", "expected_close", "created_at")
_SEQ = _NEXT_DEAL_NUMBER.cte("seq")
_NEW_DEAL = (
    pg_insert(_DEAL)
    .from_select(
        ["number", *_NEW_DEAL_COLUMNS],
        select(_SEQ.c.deal_seq, *(bindparam(f"deal_{name}", type_=_DEAL.c[name].type)
                                  for name in _NEW_DEAL_COLUMNS)),
    )
    .returning(_DEAL.c.id, _DEAL.c.number)
    .cte("new_deal")
)
_HISTORY_ROWS = func.unnest(
    bindparam("fields", type_=postgresql.ARRAY(String)),
    bindparam("new_values", type_=postgresql.ARRAY(String)),
).table_valued("field", "new_value").render_derived(name="history_rows")
_NEW_DEAL_HISTORY = (
    pg_insert(_DEAL_HISTORY)
    .from_select(
        ["deal_id", "field", "new_value", "changed_by_id", "changed_at"],
        select(_NEW_DEAL.c.id, _HISTORY_ROWS.c.field, _HISTORY_ROWS.c.new_value,
               bindparam("changed_by_id", type_=_DEAL_HISTORY.c.changed_by_id.type),
               bindparam("deal_created_at", type_=_DEAL_HISTORY.c.changed_at.type))
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


# --- workspaces -------------------------------------------------------------------------


def get_workspace(session: Session, slack_team_id: str) -> Workspace | None:
    return session.scalar(_WORKSPACE_BY_TEAM, {"team": slack_team_id})


def create_workspace(
    session: Session, slack_team_id: str, *, name: str, currency: str, timezone: str,
    now: datetime,
) -> Workspace:
    ws = Workspace(
        slack_team_id=slack_team_id, name=name, default_currency=currency,
        default_timezone=timezone, deal_seq=0, created_at=now,
    )
    for position, (stage, pct) in enumerate(DEFAULT_STAGES):
        ws.stages.append(
            Stage(name=stage, position=position, probability_pct=pct,
                  is_won=stage == "won", is_lost=stage == "lost")
        )
    return add_or_get(session, ws, lambda: get_workspace(session, slack_team_id))


def only_workspace(session: Session) -> Workspace | None:
    rows = session.scalars(select(Workspace).order_by(Workspace.id).limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def stages(session: Session, workspace_id: int) -> Sequence[Stage]:
    return session.scalars(_STAGES, {"ws": workspace_id}).all()


def next_deal_number(session: Session, workspace_id: int) -> int:
    """Hand out the next D-<n> number; the row update serialises concurrent creators."""
    number = session.execute(_NEXT_DEAL_NUMBER, {"ws": workspace_id}).scalar()
    assert number is not None
    return number


# --- members and teams ------------------------------------------------------------------


def workspace_and_member(
    session: Session, slack_team_id: str, slack_user_id: str
) -> tuple[Workspace, Member] | None:
    """A known user's workspace and member row, in one round trip."""
    row = session.execute(_WORKSPACE_AND_MEMBER, {"team": slack_team_id,
                                                  "user": slack_user_id}).first()
    return (row[0], row[1]) if row is not None else None


def claim_and_find_member(
    session: Session, key: str, now: datetime, slack_team_id: str, slack_user_id: str
) -> tuple[bool, tuple[Workspace, Member] | None]:
    """`claim_once(key)` and `workspace_and_member` together: what every slash command
    does first. On PostgreSQL it is one statement, so one round trip to the server instead
    of two (a round trip costs more CPU than either query)."""
    if session.get_bind().dialect.name != "postgresql":
        if not claim_once(session, key, now):
            return False, None
        return True, workspace_and_member(session, slack_team_id, slack_user_id)
    row = session.execute(_CLAIM_AND_MEMBER, {"key": key, "at": now, "team": slack_team_id,
                                              "user": slack_user_id}).one()
    claimed, ws, member = row
    return bool(claimed), (ws, member) if ws is not None and member is not None else None


def member_by_slack_id(session: Session, workspace_id: int, slack_user_id: str) -> Member | None:
    return session.scalar(_MEMBER_BY_SLACK_ID, {"ws": workspace_id, "user": slack_user_id})


def members_named(session: Session, workspace_id: int, name: str) -> Sequence[Member]:
    return session.scalars(
        select(Member).where(
            Member.workspace_id == workspace_id, func.lower(Member.name) == name.lower()
        )
    ).all()


def workspace_members(session: Session, workspace_id: int) -> Sequence[Member]:
    return session.scalars(
        select(Member).where(Member.workspace_id == workspace_id).order_by(Member.name)
    ).all()


def member_names(session: Session, workspace_id: int) -> Sequence[str]:
    return session.scalars(select(Member.name).where(Member.workspace_id == workspace_id)).all()


def count_admins(session: Session, workspace_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Member).where(
            Member.workspace_id == workspace_id, Member.role == Role.ADMIN
        )
    ) or 0


def count_teams(session: Session, workspace_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(Team).where(Team.workspace_id == workspace_id)
    ) or 0


def team_by_channel(session: Session, workspace_id: int, channel_id: str) -> Team | None:
    return session.scalar(
        select(Team)
        .where(Team.workspace_id == workspace_id, Team.slack_channel_id == channel_id)
        .options(selectinload(Team.members), selectinload(Team.managers))
    )


def team_by_key(session: Session, workspace_id: int, key: str) -> Team | None:
    return session.scalar(
        select(Team).where(Team.workspace_id == workspace_id, Team.name_key == key)
    )


def team_names(session: Session, workspace_id: int) -> Sequence[str]:
    return session.scalars(select(Team.name).where(Team.workspace_id == workspace_id)).all()


# --- customers --------------------------------------------------------------------------


def customer_by_key(session: Session, workspace_id: int, key: str) -> Customer | None:
    return session.scalar(_CUSTOMER_BY_KEY, {"ws": workspace_id, "key": key})


def customers_by_keys(session: Session, workspace_id: int,
                      keys: Sequence[str]) -> dict[str, Customer]:
    """The customers whose name_key is one of `keys`, by key (one query for them all)."""
    found = session.scalars(_CUSTOMERS_BY_KEYS, {"ws": workspace_id, "keys": list(keys)})
    return {c.name_key: c for c in found}


def add_activity(session: Session, **values: Any) -> int:
    """Insert one activity row and return its id (a Core insert: the hot path of /visit)."""
    return int(session.execute(_ADD_ACTIVITY, values).scalar_one())


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


def _won_stage_names() -> Select[str]:
    """The names of the deal's workspace's won stages, as a correlated subquery."""
    return select(Stage.name).where(Stage.workspace_id == Deal.workspace_id, Stage.is_won)


def _closed_stage_names() -> Select[str]:
    """The names of the deal's workspace's won and lost stages, as a correlated subquery."""
    return select(Stage.name).where(
        Stage.workspace_id == Deal.workspace_id, Stage.is_won | Stage.is_lost
    )


# --- deals and activities ---------------------------------------------------------------


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
    closed = _closed_stage_names()
    return session.scalars(
        select(Deal)
        .where(Deal.owner_id == owner_id, Deal.stage.not_in(closed))
        .order_by(Deal.expected_close.is_(None), Deal.expected_close, Deal.number)
    ).all()


def recent_activities(session: Session, deal_id: int, limit: int = 5) -> Sequence[Activity]:
    return session.scalars(
        select(Activity)
        .where(Activity.deal_id == deal_id)
        .order_by(Activity.occurred_on.desc(), Activity.id.desc())
        .limit(limit)
    ).all()


# --- targets and actuals ----------------------------------------------------------------


def holidays(session: Session, team_id: int) -> set[date]:
    return set(session.scalars(select(Holiday.day).where(Holiday.team_id == team_id)))


def find_target(
    session: Session, workspace_id: int, scope_key: str, metric: str, kind: str, start: date
) -> Target | None:
    return session.scalar(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key == scope_key,
            Target.metric == metric, Target.period_kind == kind, Target.period_start == start,
        )
    )


def targets_within(
    session: Session, workspace_id: int, scope_key: str, metric: str, start: date, end: date
) -> Sequence[Target]:
    """Targets of one scope and metric whose periods lie inside [start, end]."""
    return session.scalars(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key == scope_key,
            Target.metric == metric, Target.period_start >= start, Target.period_end <= end,
        ).order_by(Target.period_start, Target.period_end.desc())
    ).all()


def targets_overlapping(
    session: Session, workspace_id: int, scope_keys: Sequence[str], metric: str, start: date,
    end: date,
) -> Sequence[Target]:
    """Targets of some scopes and one metric whose periods share a day with [start, end]."""
    return session.scalars(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key.in_(scope_keys),
            Target.metric == metric, Target.period_start <= end, Target.period_end >= start,
        ).order_by(Target.period_start, Target.period_end.desc(), Target.id)
    ).all()


def targets_covering(
    session: Session, workspace_id: int, scope_key: str, metric: str, day: date
) -> Sequence[Target]:
    """Targets of one scope and metric whose period contains `day`, longest first."""
    found = session.scalars(
        select(Target).where(
            Target.workspace_id == workspace_id, Target.scope_key == scope_key,
            Target.metric == metric, Target.period_start <= day, Target.period_end >= day,
        )
    ).all()
    # Sorted here: date subtraction is not portable SQL (SQLite stores dates as text).
    return sorted(found, key=lambda t: (t.period_start - t.period_end, t.period_start))


def lock_covering(
    session: Session, workspace_id: int, start: date, end: date, scope_keys: Sequence[str]
) -> PeriodLock | None:
    """A lock on one of `scope_keys` (workspace, team:<id>, member:<id>) covering the period."""
    return session.scalar(
        select(PeriodLock).where(
            PeriodLock.workspace_id == workspace_id, PeriodLock.period_start <= start,
            PeriodLock.period_end >= end, PeriodLock.scope_key.in_(scope_keys),
        ).order_by(PeriodLock.id).limit(1)
    )


def metric_actual(
    session: Session, metric: str, member_ids: Sequence[int], start: date, end: date,
    start_at: datetime, end_at: datetime,
) -> int:
    """The actual for a metric over members and a period, aggregated in SQL.

    Revenue is in hundredths of the deals' currency; the other metrics are counts. Dates
    compare local days (`start`..`end`), timestamps the same span as UTC instants.
    """
    if not member_ids:
        return 0
    won = _won_stage_names()
    if metric == "revenue":
        stmt = select(func.coalesce(func.sum(Deal.amount_minor), 0)).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
            Deal.closed_at >= start_at, Deal.closed_at < end_at)
    elif metric == "wins":
        stmt = select(func.count()).select_from(Deal).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
            Deal.closed_at >= start_at, Deal.closed_at < end_at)
    elif metric == "visits":
        stmt = select(func.count()).select_from(Activity).where(
            Activity.member_id.in_(member_ids), Activity.type == ActivityType.VISIT,
            Activity.occurred_on.between(start, end))
    elif metric == "new_customers":
        stmt = select(func.count()).select_from(Customer).where(
            Customer.owner_id.in_(member_ids),
            Customer.created_at >= start_at, Customer.created_at < end_at)
    elif metric == "opportunities":
        stmt = select(func.count()).select_from(Deal).where(
            Deal.owner_id.in_(member_ids), Deal.created_at >= start_at, Deal.created_at < end_at)
    else:  # pragma: no cover - metrics are validated by the parser
        raise ValueError(metric)
    value = session.scalar(stmt) or 0
    return int(value) * (1 if metric == "revenue" else 100)


def rate_counts(
    session: Session, member_ids: Sequence[int], since: datetime, since_day: date
) -> tuple[int, int, int, int]:
    """(won, lost, opportunities created, visits) since a moment; amounts, which come in
    several currencies, are commands.core.fx.closed_since's."""
    if not member_ids:
        return 0, 0, 0, 0
    won = _won_stage_names()
    lost = select(Stage.name).where(Stage.workspace_id == Deal.workspace_id, Stage.is_lost)
    owned = Deal.owner_id.in_(member_ids)
    row = session.execute(
        select(
            func.count().filter(Deal.stage.in_(won), Deal.closed_at >= since),
            func.count().filter(Deal.stage.in_(lost), Deal.closed_at >= since),
            func.count().filter(Deal.created_at >= since),
        ).where(owned)
    ).one()
    visits = session.scalar(
        select(func.count()).select_from(Activity).where(
            Activity.member_id.in_(member_ids), Activity.type == ActivityType.VISIT,
            Activity.occurred_on >= since_day)
    ) or 0
    return int(row[0]), int(row[1]), int(row[2]), int(visits)


def closed_deals_since(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[int, str, str, int, bool]]:
    """(number, name, currency, amount in hundredths, won?) of deals won or lost since a
    moment, biggest first: a total over them converts each currency through a rate."""
    if not member_ids:
        return []
    won = _won_stage_names()
    lost = select(Stage.name).where(Stage.workspace_id == Deal.workspace_id, Stage.is_lost)
    rows = session.execute(
        select(Deal.number, Deal.name, Deal.currency, Deal.amount_minor, Deal.stage.in_(won))
        .where(Deal.owner_id.in_(member_ids), Deal.closed_at >= since,
               or_(Deal.stage.in_(won), Deal.stage.in_(lost)))
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
    return [(int(n), str(nm), str(c), int(a), bool(w)) for n, nm, c, a, w in rows]


def open_pipeline_by_stage(
    session: Session, member_ids: Sequence[int]
) -> Sequence[tuple[str, str, int, int]]:
    """(stage, currency, deal count, amount in hundredths) of open deals, summed in SQL."""
    if not member_ids:
        return []
    closed = _closed_stage_names()
    rows = session.execute(
        select(Deal.stage, Deal.currency, func.count(), func.sum(Deal.amount_minor))
        .where(Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed))
        .group_by(Deal.stage, Deal.currency)
    ).all()
    return [(s, c, int(n), int(a or 0)) for s, c, n, a in rows]


def open_closing_between(
    session: Session, member_ids: Sequence[int], start: date, end: date
) -> Sequence[Deal]:
    """Open deals expected to close in [start, end], biggest first."""
    if not member_ids:
        return []
    closed = _closed_stage_names()
    return session.scalars(
        select(Deal)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed),
               Deal.expected_close.between(start, end))
        .order_by(Deal.amount_minor.desc())
    ).all()


def stage_outcomes(
    session: Session, member_ids: Sequence[int]
) -> Sequence[tuple[str, bool, int]]:
    """(stage reached, won?, closed deals) for closed deals, from their stage history."""
    if not member_ids:
        return []
    won = _won_stage_names()
    closed = _closed_stage_names()
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
            Deal.owner_id.in_(member_ids), Deal.stage.in_(_closed_stage_names()))
    ) or 0


# --- reports ----------------------------------------------------------------------------


def won_cycles(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[datetime, datetime]]:
    """(created, closed) of the deals won since a moment: one row per won deal."""
    if not member_ids:
        return []
    won = _won_stage_names()
    rows = session.execute(
        select(Deal.created_at, Deal.closed_at).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won), Deal.closed_at >= since)
    ).all()
    return [(c, d) for c, d in rows if d is not None]


def stage_reach(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[int, int]]:
    """(furthest funnel position reached, deals) for deals created since a moment.

    A deal's furthest position is the highest non-lost stage its history ever entered, so a
    lost deal counts as far as it got. Both levels of aggregation run in the database.
    """
    if not member_ids:
        return []
    furthest = (
        select(DealHistory.deal_id, func.max(Stage.position).label("top"))
        .join(Deal, DealHistory.deal_id == Deal.id)
        .join(Stage, (Stage.workspace_id == Deal.workspace_id)
              & (Stage.name == DealHistory.new_value))
        .where(DealHistory.field == "stage", Deal.owner_id.in_(member_ids),
               Deal.created_at >= since, Stage.is_lost.is_(False))
        .group_by(DealHistory.deal_id)
        .subquery()
    )
    rows = session.execute(
        select(furthest.c.top, func.count()).group_by(furthest.c.top)
    ).all()
    return [(int(p), int(n)) for p, n in rows]


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


def stale_deals(
    session: Session, member_ids: Sequence[int], cutoff_day: date, cutoff_at: datetime,
    limit: int = 10,
) -> tuple[int, Sequence[tuple[Deal, date | None]]]:
    """Open deals with no activity since `cutoff_day` (nor created since `cutoff_at`).

    Returns how many there are and the biggest `limit` of them with their last activity day.
    """
    if not member_ids:
        return 0, []
    closed = _closed_stage_names()
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


def visits_by_tier(
    session: Session, member_ids: Sequence[int], start: date, end: date
) -> dict[str, int]:
    """Visits in [start, end] by the visited customer's tier, counted in SQL."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(Customer.tier, func.count())
        .select_from(Activity)
        .join(Customer, Activity.customer_id == Customer.id)
        .where(Activity.member_id.in_(member_ids), Activity.type == ActivityType.VISIT,
               Activity.occurred_on.between(start, end))
        .group_by(Customer.tier)
    ).all()
    return {str(getattr(t, "value", t)): int(n) for t, n in rows}


# --- deviation checks -------------------------------------------------------------------


def open_deal_rows(
    session: Session, member_ids: Sequence[int]
) -> Sequence[tuple[Any, ...]]:
    """Open deals with what the deal rules look at, aggregated in SQL.

    Rows: number, name, owner id, owner name, stage, amount in hundredths, currency, expected
    close, last activity day (None: never), created at, close-date pushes (later dates).
    """
    if not member_ids:
        return []
    closed = _closed_stage_names()
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


def stage_fates(
    session: Session, member_ids: Sequence[int], since: datetime
) -> Sequence[tuple[int, bool, int]]:
    """(furthest funnel position, lost?, deals) for deals created since a moment, in SQL."""
    if not member_ids:
        return []
    lost = select(Stage.name).where(Stage.workspace_id == Deal.workspace_id, Stage.is_lost)
    furthest = (
        select(DealHistory.deal_id, func.max(Stage.position).label("top"))
        .join(Deal, DealHistory.deal_id == Deal.id)
        .join(Stage, (Stage.workspace_id == Deal.workspace_id)
              & (Stage.name == DealHistory.new_value))
        .where(DealHistory.field == "stage", Deal.owner_id.in_(member_ids),
               Deal.created_at >= since, Stage.is_lost.is_(False))
        .group_by(DealHistory.deal_id)
        .subquery()
    )
    is_lost = Deal.stage.in_(lost)
    rows = session.execute(
        select(furthest.c.top, is_lost, func.count())
        .join(Deal, Deal.id == furthest.c.deal_id)
        .group_by(furthest.c.top, is_lost)
    ).all()
    return [(int(p), bool(x), int(n)) for p, x, n in rows]


# --- weekly digest ----------------------------------------------------------------------


def closed_between(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[Deal, str, bool]]:
    """Deals won or lost in [start_at, end_at) with their owner's name and whether won."""
    if not member_ids:
        return []
    won = _won_stage_names()
    closed = _closed_stage_names()
    rows = session.execute(
        select(Deal, Member.name, Deal.stage.in_(won))
        .join(Member, Member.id == Deal.owner_id)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.in_(closed),
               Deal.closed_at >= start_at, Deal.closed_at < end_at)
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
    return [(d, str(n), bool(w)) for d, n, w in rows]


def close_pushes_between(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[Deal, str, str, str]]:
    """Open deals whose close date was pushed later in [start_at, end_at): (deal, owner,
    old date, new date), biggest first, one row per push."""
    if not member_ids:
        return []
    closed = _closed_stage_names()
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


def won_in(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime,
) -> Sequence[tuple[datetime, int, str, str, int]]:
    """(closed at, number, name, currency, amount in hundredths) of deals won in
    [start_at, end_at), in every currency: the caller totals them in one."""
    if not member_ids:
        return []
    won = _won_stage_names()
    rows = session.execute(
        select(Deal.closed_at, Deal.number, Deal.name, Deal.currency, Deal.amount_minor).where(
            Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
            Deal.closed_at >= start_at, Deal.closed_at < end_at)
    ).all()
    return [(c, int(n), str(nm), str(cur), int(a)) for c, n, nm, cur, a in rows
            if c is not None]


# --- action items -----------------------------------------------------------------------


def action_item(session: Session, workspace_id: int, item_id: int) -> ActionItem | None:
    return session.scalar(
        select(ActionItem).where(ActionItem.workspace_id == workspace_id,
                                 ActionItem.id == item_id)
    )


def action_items(
    session: Session, team_id: int, *, owner_id: int | None = None,
    done_since: datetime | None = None,
) -> Sequence[ActionItem]:
    """A team's open action items (and those done since `done_since`), due first."""
    stmt = select(ActionItem).where(ActionItem.team_id == team_id)
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if done_since is None:
        stmt = stmt.where(ActionItem.done_at.is_(None))
    else:
        stmt = stmt.where(ActionItem.done_at.is_(None) | (ActionItem.done_at >= done_since))
    return session.scalars(
        stmt.order_by(ActionItem.done_at.is_not(None), ActionItem.due_on.is_(None),
                      ActionItem.due_on, ActionItem.id)
    ).all()


def team_settings(session: Session, team_id: int) -> TeamSettings | None:
    return session.get(TeamSettings, team_id)


# --- exchange rates -----------------------------------------------------------------------


def fx_rates(session: Session, workspace_id: int) -> Sequence[FxRate]:
    """The exchange rates an admin set for a workspace, by currency."""
    return session.scalars(
        select(FxRate).options(selectinload(FxRate.set_by))
        .where(FxRate.workspace_id == workspace_id)
        .order_by(FxRate.currency, FxRate.quote)
    ).all()


def find_fx_rate(session: Session, workspace_id: int, currency: str,
                 quote: str) -> FxRate | None:
    return session.scalar(
        select(FxRate).where(FxRate.workspace_id == workspace_id, FxRate.currency == currency,
                             FxRate.quote == quote)
    )


def won_deals_between(
    session: Session, member_ids: Sequence[int], start_at: datetime, end_at: datetime
) -> Sequence[tuple[int, int, str, str, int]]:
    """(workspace id, number, name, currency, amount in hundredths) of deals won in
    [start_at, end_at), biggest first."""
    if not member_ids:
        return []
    won = _won_stage_names()
    rows = session.execute(
        select(Deal.workspace_id, Deal.number, Deal.name, Deal.currency, Deal.amount_minor)
        .where(Deal.owner_id.in_(member_ids), Deal.stage.in_(won),
               Deal.closed_at >= start_at, Deal.closed_at < end_at)
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
    return [(int(w), int(n), str(nm), str(c), int(a)) for w, n, nm, c, a in rows]


def open_deals_of(session: Session, member_ids: Sequence[int]) -> Sequence[Deal]:
    """Open deals of some members, biggest first."""
    if not member_ids:
        return []
    closed = _closed_stage_names()
    return session.scalars(
        select(Deal).where(Deal.owner_id.in_(member_ids), Deal.stage.not_in(closed))
        .order_by(Deal.amount_minor.desc(), Deal.number)
    ).all()
