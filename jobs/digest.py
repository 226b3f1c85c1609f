"""The weekly review digest: to each manager by DM, Monday 08:30 in their own timezone.

One item per team and manager per ISO week (`digest`, subject team:<id>/member:<id>, local
period 2026-W48), claimed like every scheduled item so it goes out once whatever the number
of instances. Its posts are the digest itself and the chart (cumulative plan vs actual,
attainment per rep) uploaded as a PNG into the same DM.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.i18n import locale_of, t, use_locale
from commands.plan.names import period_name
from commands.reports.digest import DigestResult, build_digest
from commands.team.config import rule_config
from jobs.chart import digest_chart
from jobs.due import DueItem
from jobs.notify import FileUpload, Post
from storage import repo
from storage.models import Member, Team, Workspace

KIND = "digest"


@dataclass(frozen=True, eq=False)
class DigestPost:
    """A manager's weekly digest."""

    digest: DigestResult


def due_at(manager_tz: str, day: int, at: str, now: datetime) -> tuple[datetime, str]:
    """This ISO week's digest moment in the manager's timezone, and the week's label."""
    zone = ZoneInfo(manager_tz)
    local = now.astimezone(zone)
    year, week, weekday = local.isocalendar()
    monday = local.date() - timedelta(days=weekday - 1)
    hour, minute = (int(x) for x in at.split(":"))
    moment = datetime.combine(monday + timedelta(days=day), time(hour, minute), zone)
    return moment, f"{year}-W{week:02d}"


def _parse_subject(subject: str) -> tuple[int, int]:
    team_part, _, member_part = subject.partition("/")
    return int(team_part.partition(":")[2]), int(member_part.partition(":")[2])


class DigestSource:
    """Every team's weekly digest, for each of its managers."""

    kinds: tuple[str, ...] = (KIND,)
    grace: timedelta | None = None

    def due(self, session: Session, now: datetime) -> Iterator[DueItem]:
        for team in repo.workspaces.all_teams(session):
            settings = repo.workspaces.team_settings(session, team.id)
            if settings is not None and not settings.digest_enabled:
                continue
            day = settings.digest_day if settings else 0
            at = settings.digest_time if settings else "08:30"
            for manager in team.managers:
                moment, week = due_at(manager.timezone or team.timezone, day, at, now)
                if moment <= now:
                    yield DueItem(KIND, f"team:{team.id}/member:{manager.id}", week, moment,
                                  team.workspace_id)

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        team_id, manager_id = _parse_subject(item.subject)
        team = session.get(Team, team_id)
        manager = session.get(Member, manager_id)
        if team is None or manager is None or team not in manager.managed_teams:
            return []  # the team is gone or they no longer manage it
        ws = session.get_one(Workspace, team.workspace_id)
        config = rule_config(repo.workspaces.team_settings(session, team.id))
        # a DM: in the manager's language, the figures' words (focus, fixes) and the chart too
        lang = locale_of(manager.language, manager.slack_locale)
        with use_locale(lang):
            digest = build_digest(session, ws, team, claimed_at, config, last_week=True)
            chart = digest_chart(digest.cumulative, digest.attainment,
                                 f"{team.name}: {period_name(digest.period)}",
                                 currency=digest.currency,
                                 pace_threshold=config.pace_threshold, history=digest.history)
            title = t("{team}: plan vs actual, {period}", team=team.name,
                      period=period_name(digest.period))
        to = manager.slack_user_id
        return [
            Post(to, DigestPost(digest), dm=True, lang=lang),
            Post(to, FileUpload(f"salesbot-{team.name}-{item.local_period}.png".replace(" ", "-"),
                                title, chart),
                 dm=True, lang=lang),
        ]
