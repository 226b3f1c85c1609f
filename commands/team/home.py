"""The App Home tab: one screen of what a rep or a manager needs today.

First where their stand-up stands. Then parts, each a command the user could type (`/plan`,
`/followups`, `/deal list`, `/sales action list`, `/sales leaderboard`, `/sales warnings`),
run for them as they would run it, so the Home tab and the commands never disagree. A part that has
nothing to show says why and how to fix it, in the same words the command would use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.errors import UserFacingError
from commands.deals.deal import DealList, run_deal
from commands.followups.followups import FollowUpsList, run_followups
from commands.forecast.common import PeriodChoice, Scope
from commands.forecast.forecast import ForecastShow, run_forecast
from commands.plan.plan import PlanArgs, run_plan
from commands.reports.report import LeaderboardArgs, run_leaderboard
from commands.standup.answers import MyStandup, my_standup
from commands.warnings.actions import ActionList, run_action
from commands.warnings.warnings import WarningsArgs, run_warnings


@dataclass(frozen=True)
class HomePart:
    """One part of the Home tab: a command's result, or why there is none."""

    command: str  # what the user would type for the same, e.g. "/plan"
    result: object | None = None
    note: str | None = None


@dataclass(frozen=True)
class HomeResult:
    name: str
    today: date
    team_name: str | None
    parts: tuple[HomePart, ...]
    standup: MyStandup | None = None
    timezone: str = "UTC"  # the user's, for the times shown


def _part(command: str, run: Callable[[], object]) -> HomePart:
    try:
        return HomePart(command, result=run())
    except UserFacingError as error:  # nothing to show yet: say why, as the command would
        return HomePart(command, note=error.message)


def run_home(*, session: Session, actor: Actor, now: datetime) -> HomeResult:
    """Everything the Home tab shows, read in the caller's one transaction."""
    member = actor.member
    team = member.team
    parts = [
        _part("/plan", lambda: run_plan(PlanArgs(None, None), session=session, actor=actor,
                                        now=now)),
        _part("/followups", lambda: run_followups(FollowUpsList(), session=session,
                                                  actor=actor, now=now)),
        _part("/deal list", lambda: run_deal(DealList(), session=session, actor=actor,
                                             now=now)),
    ]
    if team is not None or member.managed_teams:
        parts.append(_part("/sales action list", lambda: run_action(
            ActionList(), session=session, actor=actor, now=now)))
        parts.append(_part("/sales leaderboard", lambda: run_leaderboard(
            LeaderboardArgs(), session=session, actor=actor, now=now)))
        parts.append(_part("/sales warnings", lambda: run_warnings(
            WarningsArgs(), session=session, actor=actor, now=now)))
        parts.append(_part("/forecast", lambda: run_forecast(
            ForecastShow(Scope(), PeriodChoice()), session=session, actor=actor, now=now)))
    return HomeResult(
        name=member.name, today=local_today(now, member.timezone),
        team_name=team.name if team is not None else None, parts=tuple(parts),
        standup=my_standup(session, actor, now), timezone=member.timezone,
    )
