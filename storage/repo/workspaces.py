"""Workspaces, their members and teams, and a request's workspace and member."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    Activity,
    Base,
    Customer,
    Deal,
    Member,
    Role,
    Stage,
    Team,
    TeamSettings,
    Workspace,
)
from storage.repo._common import CLAIM
from storage.repo.claims import add_or_get, claim_once

# name, win probability in percent; the order is the funnel's.
DEFAULT_STAGES: tuple[tuple[str, int], ...] = (
    ("lead", 10),
    ("qualified", 25),
    ("proposal", 50),
    ("negotiation", 75),
    ("won", 100),
    ("lost", 0),
)

# The claim as a data-modifying CTE, then the caller's workspace and member, if known,
# outer-joined to a one-row select so that the claim's outcome comes back either way.
_CLAIMED = CLAIM["postgresql"].cte("claimed")
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


def slack_team_ids(session: Session) -> Sequence[str]:
    """Every workspace's Slack team id, oldest workspace first."""
    return session.scalars(select(Workspace.slack_team_id).order_by(Workspace.id)).all()


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


def team_settings(session: Session, team_id: int) -> TeamSettings | None:
    return session.get(TeamSettings, team_id)


def all_teams(session: Session) -> Sequence[Team]:
    """Every team of every workspace, oldest first (what the scheduled jobs walk)."""
    return session.scalars(select(Team).order_by(Team.id)).all()


def members_by_id(
    session: Session, member_ids: Collection[int] | None = None
) -> dict[int, Member]:
    """Members by id: those of `member_ids`, or (None) everyone in the database."""
    stmt = select(Member)
    if member_ids is not None:
        stmt = stmt.where(Member.id.in_(member_ids))
    return {m.id: m for m in session.scalars(stmt)}


def counts(session: Session, workspace_id: int) -> dict[str, int]:
    """How many members, customers, activities and deals a workspace holds, and of its
    deals how many are won and lost (the demo's summary)."""
    def rows(model: type[Member | Customer | Activity | Deal]) -> Select[int]:
        return select(func.count()).select_from(model).where(
            model.workspace_id == workspace_id
        )

    closed = rows(Deal).join(
        Stage, (Stage.workspace_id == Deal.workspace_id) & (Stage.name == Deal.stage)
    )
    return {name: session.scalar(stmt) or 0 for name, stmt in (
        ("members", rows(Member)), ("customers", rows(Customer)),
        ("activities", rows(Activity)), ("deals", rows(Deal)),
        ("won", closed.where(Stage.is_won)), ("lost", closed.where(Stage.is_lost)))}


def set_active(session: Session, slack_team_id: str, active: bool) -> bool:
    """Mark a workspace installed (active) or uninstalled; whether it is known here."""
    ws = get_workspace(session, slack_team_id)
    if ws is None:
        return False
    ws.active = active
    return True


def inactive_ids(session: Session) -> set[int]:
    """The ids of the workspaces whose Slack app was uninstalled (nothing is sent there)."""
    return set(session.scalars(select(Workspace.id).where(Workspace.active.is_(False))))


def delete_workspace(session: Session, workspace_id: int) -> dict[str, int]:
    """Delete a workspace and every row of its data, children before parents, in the
    caller's transaction; how many rows went from each table.

    A table without a workspace_id column belongs to the workspace through a parent that
    has one (a team's settings, a deal's history)."""
    gone: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        owned = _owned_by(table, workspace_id)
        if owned is None:
            continue
        result = session.execute(delete(table).where(owned))
        gone[table.name] = result.rowcount or 0  # type: ignore[attr-defined]
    session.execute(delete(Workspace).where(Workspace.id == workspace_id))
    return {name: n for name, n in gone.items() if n}


def _owned_by(table: Table, workspace_id: int) -> ColumnElement[bool] | None:
    """The condition picking `table`'s rows of the workspace; None: not workspace data."""
    if table.name == Workspace.__tablename__:
        return None
    if "workspace_id" in table.c:
        return table.c.workspace_id == workspace_id
    for fk in table.foreign_keys:  # through the first parent that knows its workspace
        parent = fk.column.table
        if "workspace_id" in parent.c:
            return fk.parent.in_(select(fk.column).where(parent.c.workspace_id == workspace_id))
    return None
