"""The weekly forecast call as scheduled work: a DM to each rep, and one reminder.

- forecast_prompt    member:<id>  the week's DM (default Monday 10:00, team time): this
  month's and this quarter's closed, commit and best case pre-filled from the rep's deals
  (listed), the target, and the one line that submits the call
- forecast_reminder  member:<id>  one DM at the deadline (default 15:00) to a rep who got
  the prompt and has not called this month since the week began, or, in the weeks the
  quarter's call is due (those of the quarter's first month), this quarter: one reminder
  naming every call still missing

Local period: the team's ISO week (2026-W48). Claimed like every scheduled item, so each
goes out once whatever the number of instances.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.core.i18n import locale_of, use_locale
from commands.core.periods import period_containing
from commands.forecast.config import DEFAULT_AT, DEFAULT_DAY, DEFAULT_DEADLINE, week_moment
from commands.forecast.rollup import RepForecast
from commands.forecast.show import person_forecast, reps_of
from jobs.due import DueItem, subject_id
from jobs.notify import Post
from storage import repo
from storage.models import Member, Team, Workspace

PROMPT = "forecast_prompt"
REMINDER = "forecast_reminder"


@dataclass(frozen=True, eq=False)
class ForecastPrompt:
    """A rep's weekly forecast DM (or its reminder)."""

    team_name: str
    person: str
    currency: str
    month: RepForecast
    month_label: str
    quarter: RepForecast
    quarter_label: str
    deadline: datetime  # in the team's timezone
    reminder: bool = False
    missing: tuple[str, ...] = ()  # a reminder's calls still to make: 2027-01, 2027-Q1


@dataclass(frozen=True)
class _Week:
    prompt_at: datetime
    deadline: datetime
    week_start: datetime  # Monday 00:00, team time: a call since then counts
    label: str


def team_week(team: Team, weekday: int, at: str, deadline: str, now: datetime) -> _Week:
    """This ISO week's prompt and deadline moments, in the team's timezone."""
    prompt_at = week_moment(team.timezone, weekday, at, now)
    year, week, _ = prompt_at.isocalendar()
    return _Week(prompt_at, week_moment(team.timezone, weekday, deadline, now),
                 week_moment(team.timezone, 0, "00:00", now), f"{year}-W{week:02d}")


def _schedule(session: Session, team: Team) -> tuple[int, str, str] | None:
    row = repo.forecasts.forecast_schedule(session, team.id)
    if row is None:
        return DEFAULT_DAY, DEFAULT_AT, DEFAULT_DEADLINE
    return (row.weekday, row.at, row.deadline) if row.enabled else None


def quarter_call_due(day: date) -> bool:
    """Whether the week of `day` asks for the quarter's call too: in the quarter's first
    month, so each quarter is called (and scored) from its start."""
    return period_containing("quarter", day).start.month == day.month


def _missing_calls(session: Session, member: Member, team: Team, week: _Week) -> tuple[str, ...]:
    """The periods (labels) the rep has not called since the week began: the month, and the
    quarter when its call is due."""
    day = week.prompt_at.date()
    kinds = ("month", "quarter") if quarter_call_due(day) else ("month",)
    missing = []
    for kind in kinds:
        period = period_containing(kind, day)  # type: ignore[arg-type]
        calls = repo.forecasts.calls_for(session, [member.id], kind, period.start)
        if not any(c.submitted_at >= week.week_start for c in calls):
            missing.append(period.label)
    return tuple(missing)


class ForecastSource:
    """Every team's weekly forecast call: the DM, and one reminder at the deadline."""

    kinds: tuple[str, ...] = (PROMPT, REMINDER)
    grace: timedelta | None = None

    def due(self, session: Session, now: datetime) -> Iterator[DueItem]:
        for team in session.scalars(select(Team).order_by(Team.id)):
            schedule = _schedule(session, team)
            if schedule is None:
                continue
            week = team_week(team, *schedule, now)
            if week.prompt_at > now:
                continue
            reps = reps_of(team)
            for rep in reps:
                yield DueItem(PROMPT, f"member:{rep.id}", week.label, week.prompt_at,
                              team.workspace_id)
            if week.deadline <= week.prompt_at or week.deadline > now:
                continue
            prompted = repo.deliveries.sent_times(
                session, [f"{PROMPT}:member:{r.id}:{week.label}" for r in reps])
            for rep in reps:
                sent_at = prompted.get(f"{PROMPT}:member:{rep.id}:{week.label}")
                # one reminder, to a rep who was asked before the deadline and has not called
                if sent_at is not None and sent_at < week.deadline and _missing_calls(
                        session, rep, team, week):
                    yield DueItem(REMINDER, f"member:{rep.id}", week.label, week.deadline,
                                  team.workspace_id)

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        member = session.get(Member, subject_id(item.subject))
        if member is None or member.team is None:
            return ()
        team = member.team
        schedule = _schedule(session, team)
        if schedule is None:
            return ()  # turned off since it fell due
        week = team_week(team, *schedule, item.due_at)
        missing = _missing_calls(session, member, team, week) if item.kind == REMINDER else ()
        if item.kind == REMINDER and not missing:
            return ()  # called since the reminder fell due
        ws = session.get_one(Workspace, team.workspace_id)
        today = claimed_at.astimezone(ZoneInfo(team.timezone)).date()
        month, quarter = period_containing("month", today), period_containing("quarter", today)
        lang = locale_of(member.language, member.slack_locale)
        with use_locale(lang):  # any left-out deal's reason is in the rep's language
            month_view, currency = person_forecast(session, ws, team, member, month,
                                                   claimed_at)
            quarter_view, _ = person_forecast(session, ws, team, member, quarter, claimed_at)
        return (Post(member.slack_user_id, ForecastPrompt(
            team.name, member.name, currency, month_view, month.label, quarter_view,
            quarter.label, week.deadline.astimezone(ZoneInfo(team.timezone)),
            reminder=item.kind == REMINDER, missing=missing), dm=True, lang=lang),)
