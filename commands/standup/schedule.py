"""When a team's stand-up happens: who is asked when, and when the summary posts, as plain
data the ticker in jobs/ and the commands run on."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.dates import local_today
from storage import repo
from storage.models import Member, StandupConfig, Team

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class StandupTimes:
    """When a team's stand-up happens, as plain data."""

    prompt_time: time
    days: frozenset[int]
    tz_mode: str
    window: timedelta
    reminder: timedelta | None
    enabled: bool
    enabled_at: datetime
    adhoc_day: date | None = None
    adhoc_at: datetime | None = None

    @classmethod
    def of(cls, cfg: StandupConfig) -> StandupTimes:
        return cls(
            prompt_time=cfg.prompt_time,
            days=frozenset(DAY_NAMES.index(d) for d in cfg.days.split(",") if d),
            tz_mode=cfg.tz_mode,
            window=timedelta(minutes=cfg.window_minutes),
            reminder=timedelta(minutes=cfg.reminder_minutes)
            if 0 < cfg.reminder_minutes < cfg.window_minutes else None,
            enabled=cfg.enabled, enabled_at=cfg.enabled_at,
            adhoc_day=cfg.adhoc_day, adhoc_at=cfg.adhoc_at,
        )


@dataclass(frozen=True)
class Participant:
    member_id: int
    timezone: str


@dataclass(frozen=True)
class DaySchedule:
    """One day's stand-up of a team: who is prompted when, and when the summary posts."""

    day: date
    prompts: tuple[tuple[int, datetime], ...]  # (member id, UTC instant)
    summary_at: datetime
    reminder: timedelta | None

    def prompt_at(self, member_id: int) -> datetime | None:
        return next((at for m, at in self.prompts if m == member_id), None)

    def reminder_at(self, member_id: int) -> datetime | None:
        at = self.prompt_at(member_id)
        return at + self.reminder if at is not None and self.reminder is not None else None

    @property
    def starts_at(self) -> datetime:
        return min(at for _, at in self.prompts)


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `tz` (a time skipped by a DST change
    counts as the moment after the change)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def day_schedule(
    times: StandupTimes, team_tz: str, people: Sequence[Participant], day: date,
    holidays: Set[date], away: Set[int],
) -> DaySchedule | None:
    """The stand-up of `day`, or None when there is none (day off, holiday, everyone away).

    In `tz:team` mode everyone is asked at the team's local time; in `tz:local` mode each
    person at that time in their own timezone, and the summary waits for the last window
    to close. A one-off `/standup now` replaces that day's regular stand-up.
    """
    present = [p for p in people if p.member_id not in away]
    prompts: list[tuple[int, datetime]] = []
    if times.adhoc_day == day and times.adhoc_at is not None:
        prompts = [(p.member_id, times.adhoc_at) for p in present]
    elif times.enabled and day.weekday() in times.days and day not in holidays:
        for p in present:
            tz = p.timezone if times.tz_mode == "local" else team_tz
            at = local_instant(day, times.prompt_time, tz)
            if at >= times.enabled_at:
                prompts.append((p.member_id, at))
    if not prompts:
        return None
    return DaySchedule(day, tuple(prompts), max(at for _, at in prompts) + times.window,
                       times.reminder)


def candidate_days(now: datetime) -> list[date]:
    """Days whose stand-up events may fall near `now`, whatever the timezones involved."""
    today = now.astimezone(UTC).date()
    return [today + timedelta(days=d) for d in (-2, -1, 0, 1)]


@dataclass
class TeamSchedule:
    """A team's stand-up over a few days, loaded once for the ticker or a command."""

    config: StandupConfig
    team: Team
    times: StandupTimes
    holidays: set[date]
    away: dict[date, set[int]] = field(default_factory=dict)

    @property
    def people(self) -> list[Participant]:
        return [Participant(m.id, m.timezone) for m in self.team.members]

    def day(self, day: date) -> DaySchedule | None:
        return day_schedule(self.times, self.team.timezone, self.people, day, self.holidays,
                            self.away.get(day, set()))

    def previous_day(self, day: date) -> date | None:
        """The regular stand-up day before `day` (holidays and days off skipped)."""
        for back in range(1, 15):
            d = day - timedelta(days=back)
            if d.weekday() in self.times.days and d not in self.holidays:
                return d
        return None


def team_schedule(session: Session, config: StandupConfig, days: Sequence[date]) -> TeamSchedule:
    team = config.team
    away: dict[date, set[int]] = {d: set() for d in days}
    if days:
        for r in repo.standups.away_between(session, [m.id for m in team.members], min(days),
                                       max(days)):
            for d in days:
                if r.start_day <= d <= r.end_day:
                    away[d].add(r.member_id)
    return TeamSchedule(config, team, StandupTimes.of(config),
                        repo.targets.holidays(session, team.id),
                        away)


def standup_today(cfg: StandupConfig, member: Member, now: datetime) -> date:
    """Today's date where the member's stand-up happens (theirs in tz:local, else the team's)."""
    tz = member.timezone if cfg.tz_mode == "local" else cfg.team.timezone
    return local_today(now, tz)


def answer_day(session: Session, cfg: StandupConfig, member: Member, now: datetime) -> date:
    """The stand-up a typed answer is for: the one open for the member now, else today's."""
    today = standup_today(cfg, member, now)
    schedule = team_schedule(session, cfg, [today - timedelta(days=1), today])
    for day in (today, today - timedelta(days=1)):
        s = schedule.day(day)
        at = s.prompt_at(member.id) if s else None
        if s is not None and at is not None and at <= now < s.summary_at:
            return day
    return today


def next_standup(session: Session, cfg: StandupConfig, member: Member,
                 after: date) -> tuple[date, datetime] | None:
    """The member's next stand-up after `after`: its day and when they are asked."""
    days = [after + timedelta(days=i) for i in range(1, 15)]
    schedule = team_schedule(session, cfg, days)
    for d in days:
        s = schedule.day(d)
        at = s.prompt_at(member.id) if s is not None else None
        if at is not None:
            return d, at
    return None
