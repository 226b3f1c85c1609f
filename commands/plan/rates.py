"""The one win rate selection every figure goes through, fed from the database.

commands.plan.activity.pick_win_rate decides (own rate, else the team's, else the configured
default, each with a minimum sample); this module counts the trailing history it decides on
and reads the team's configured default (`/sales config warnings default_win_rate:20%`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.fx import closed_since
from commands.plan.activity import TRAILING_DAYS, RateStats, WinRate, pick_win_rate
from commands.team.config import rule_config
from storage import repo
from storage.models import Member, Team, Workspace


def trailing_stats(session: Session, ids: Sequence[int], team: Team, now: datetime,
                   currency: str | None = None) -> RateStats:
    """What these people closed, created and visited over the trailing window before `now`.

    The won amount (the average deal) is in `currency` (the workspace's when None): deals in
    another currency count through an admin's rate, or are left out of the amount.
    """
    today = local_today(now, team.timezone)
    since = now - timedelta(days=TRAILING_DAYS)
    won, lost, opps, visits = repo.closed.rate_counts(
        session, list(ids), since, today - timedelta(days=TRAILING_DAYS))
    if currency is None:
        ws = session.get(Workspace, team.workspace_id)
        currency = ws.default_currency if ws else "USD"
    closed = closed_since(session, team.workspace_id, list(ids), since, currency)
    return RateStats(won, lost, closed.won.total, opps, visits,
                     valued_won=won - len(closed.won.left_out), currency=currency)


def default_win_rate(session: Session, team: Team) -> Decimal:
    """The team's configured default win rate, used until there is enough history."""
    return rule_config(repo.workspaces.team_settings(session, team.id)).default_win_rate


def win_rate_for(session: Session, team: Team, person: Member | None, now: datetime,
                 default: Decimal | None = None) -> WinRate:
    """The win rate for a person's figures (their own first), or for the team's.

    `default` is the team's configured default when the caller has already read it.
    """
    team_stats = trailing_stats(session, [m.id for m in team.members], team, now)
    own = trailing_stats(session, [person.id], team, now) if person is not None else None
    return pick_win_rate(own, team_stats,
                         default if default is not None else default_win_rate(session, team),
                         who=person.name if person is not None else "")
