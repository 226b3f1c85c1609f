"""/standup report: a day's stand-up summed up (who answered, skipped, is away or missing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commands.core.access import require_read_team
from commands.core.actors import Actor
from commands.core.dates import format_day, local_today, parse_day
from commands.core.errors import UsageError
from commands.core.i18n import N_, t
from commands.standup.answers import has_blockers
from commands.standup.schedule import team_schedule
from commands.team.sales import find_team
from storage import repo
from storage.models import Member, Team


@dataclass(frozen=True)
class StandupReportArgs:
    day: str | None = None
    team: str | None = None


@dataclass(frozen=True)
class PersonRef:
    user_id: str
    name: str

    @classmethod
    def of(cls, m: Member) -> PersonRef:
        return cls(m.slack_user_id, m.name)


@dataclass(frozen=True)
class PersonAnswer:
    person: PersonRef
    yesterday: str
    today: str
    blockers: str
    answered_at: datetime
    late: bool = False

    @property
    def has_blockers(self) -> bool:
        return has_blockers(self.blockers)


@dataclass(frozen=True)
class StandupSummary:
    """Who answered a day's stand-up, who skipped, who is away and who is missing."""

    team_name: str
    channel_id: str
    day: date
    answered: tuple[PersonAnswer, ...]
    skipped: tuple[PersonRef, ...]
    out_of_office: tuple[PersonRef, ...]
    missing: tuple[PersonRef, ...]

    @property
    def expected(self) -> int:
        return len(self.answered) + len(self.skipped) + len(self.missing)

    @property
    def blocked(self) -> tuple[PersonAnswer, ...]:
        return tuple(a for a in self.answered if a.has_blockers)


@dataclass(frozen=True)
class StandupReport:
    summary: StandupSummary
    held: bool  # False: no stand-up was scheduled that day


def standup_report(args: StandupReportArgs, session: Session, actor: Actor,
                   now: datetime) -> StandupReport:
    team = find_team(session, actor, args.team)
    require_read_team(actor, team, N_("stand-up report"))
    today = local_today(now, team.timezone)
    day = parse_day(args.day, today=today, prefer="past", option="report") if args.day else today
    if day > today:
        raise UsageError(t("{day} ({date}) has not happened yet in {team}'s timezone; "
                           "`/standup report` covers today or an earlier day.",
                           day=format_day(day, today), date=day.isoformat(), team=team.name))
    cfg = repo.standups.config_for(session, team.id)
    schedule = team_schedule(session, cfg, [day]).day(day) if cfg is not None else None
    summary = summarize(session, team, day, as_of=now,
                        late_after=schedule.summary_at if schedule else None)
    return StandupReport(summary, held=schedule is not None)


def summarize(session: Session, team: Team, day: date, *, as_of: datetime,
              late_after: datetime | None = None) -> StandupSummary:
    """The stand-up of `day` as it stood at `as_of`; answers after `late_after` are late."""
    answers = [a for a in repo.standups.answers_between(session, team.id, day, day)
               if a.answered_at <= as_of]
    members = list(team.members)
    away = {r.member_id for r in repo.standups.away_between(session, [m.id for m in members], day,
                                                       day)}
    by_member = {a.member_id: a for a in answers}
    answered = tuple(
        PersonAnswer(PersonRef.of(a.member), a.yesterday, a.today, a.blockers, a.answered_at,
                     late=late_after is not None and a.answered_at > late_after)
        for a in answers if not a.skipped)
    skipped = tuple(PersonRef.of(a.member) for a in answers if a.skipped)
    out = tuple(PersonRef.of(m) for m in members if m.id in away and m.id not in by_member)
    missing = tuple(PersonRef.of(m) for m in members
                    if m.id not in away and m.id not in by_member)
    return StandupSummary(team.name, team.slack_channel_id, day, answered, skipped, out, missing)
