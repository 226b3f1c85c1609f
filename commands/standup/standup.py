"""/standup: the daily stand-up's settings, answers, skips, out of office and reports, and
the schedule (who is asked when) that the ticker in jobs/ runs on.

Who takes part: everyone whose team it is (`/sales team add`), reps and managers alike; a
manager of the team who belongs to another team is not asked. A stand-up is off until a
manager configures it (`/standup config`), or starts a one-off with `/standup now`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.access import require_read_team
from commands.core.actors import Actor
from commands.core.dates import format_day, local_today, on_day, parse_day
from commands.core.errors import PermissionDenied, UsageError, UserFacingError
from commands.core.limits import LIMITS, check_length
from commands.core.periods import working_days
from commands.core.text import Mention, choice, closest, parse_words
from commands.plan.targets import PlanArgs, run_plan
from commands.team.sales import find_team
from storage import repo, standups
from storage.models import Member, OutOfOffice, StandupAnswer, StandupConfig, Team

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TZ_MODES = ("team", "local")
DEFAULT_TIME = time(9, 30)
DEFAULT_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
DEFAULT_WINDOW = 120
DEFAULT_REMINDER = 30
MAX_TEXT = LIMITS["stand-up answer"]
MAX_AWAY_DAYS = 366
CONFIG_OPTIONS = ("time", "days", "tz", "window", "reminder", "team")
ANSWER_OPTIONS = ("yesterday", "today", "blockers")
_NO_BLOCKERS = {"", "none", "no", "nope", "nothing", "n/a", "na", "-", "no blockers", "nil",
                "all good", "無", "无", "没有"}

# --- arguments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StandupStatus:
    """`/standup`: the team's stand-up settings and where you stand today."""


@dataclass(frozen=True)
class StandupConfigure:
    prompt_time: time | None = None
    days: tuple[int, ...] | None = None
    tz_mode: str | None = None
    window: int | None = None
    reminder: int | None = None
    enabled: bool | None = None
    team: str | None = None

    @property
    def changes_something(self) -> bool:
        return any(v is not None for v in (self.prompt_time, self.days, self.tz_mode,
                                           self.window, self.reminder, self.enabled))


@dataclass(frozen=True)
class StandupAnswerArgs:
    yesterday: str | None = None
    today: str | None = None
    blockers: str | None = None
    day: date | None = None  # from a prompt's button; typed answers find the open stand-up


@dataclass(frozen=True)
class StandupSkip:
    day: date | None = None


@dataclass(frozen=True)
class StandupAway:
    start: str | None = None  # None (and not clear): list the planned absences
    end: str | None = None
    clear: bool = False


@dataclass(frozen=True)
class StandupNow:
    team: str | None = None


@dataclass(frozen=True)
class StandupReportArgs:
    day: str | None = None
    team: str | None = None


StandupArgs = (StandupStatus | StandupConfigure | StandupAnswerArgs | StandupSkip | StandupAway
               | StandupNow | StandupReportArgs)

_USAGE = ("Use `/standup config time:09:30 days:mon-fri tz:team window:120m reminder:30m`, "
          '`/standup answer yesterday:"..." today:"..." blockers:none`, `/standup skip`, '
          "`/standup ooo 2026-12-20..2027-01-02`, `/standup now` or `/standup report`.")


def parse_standup(text: str) -> StandupArgs:
    """Parse the text after `/standup`."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "status"):
        return StandupStatus()
    if verb in ("config", "configure", "settings", "set"):
        return _parse_config(rest)
    if verb == "answer":
        words = parse_words(rest, ANSWER_OPTIONS)
        if words.positionals:
            raise UsageError('Put each part in an option: `/standup answer yesterday:"met Acme" '
                             'today:"demo for Globex" blockers:none`.')
        if not words.options:
            raise UsageError('Say something: `/standup answer yesterday:"..." today:"..." '
                             "blockers:none` (missing parts are filled from what you logged).")
        return StandupAnswerArgs(words.options.get("yesterday"), words.options.get("today"),
                                 words.options.get("blockers"))
    if verb == "skip":
        if rest.strip():
            raise UsageError("`/standup skip` takes nothing more: it skips today's stand-up.")
        return StandupSkip()
    if verb in ("ooo", "away", "out"):
        return _parse_away(rest)
    if verb in ("now", "start"):
        words = parse_words(rest, ("team",))
        if words.positionals:
            raise UsageError('Use `/standup now` (or `/standup now team:"East"`).')
        return StandupNow(words.options.get("team"))
    if verb == "report":
        words = parse_words(rest, ("team",))
        return StandupReportArgs(" ".join(words.positionals) or None, words.options.get("team"))
    guess = closest(verb, ("config", "answer", "skip", "ooo", "now", "report"))
    hint = f" Did you mean `/standup {guess}`?" if guess else ""
    raise UsageError(f"`/standup {head}` is not a command.{hint} {_USAGE}")


def _parse_config(rest: str) -> StandupConfigure:
    words = parse_words(rest, CONFIG_OPTIONS)
    enabled = None
    for word in words.positionals:
        if word.lower() in ("on", "off"):
            enabled = word.lower() == "on"
        else:
            raise UsageError(f"`{word}` is not a stand-up setting. Use `/standup config "
                             "time:09:30 days:mon-fri tz:team window:120m reminder:30m`, or "
                             "`/standup config off`.")
    opts = words.options
    return StandupConfigure(
        prompt_time=parse_clock(opts["time"]) if "time" in opts else None,
        days=parse_days(opts["days"]) if "days" in opts else None,
        tz_mode=choice(opts["tz"], TZ_MODES, "tz") if "tz" in opts else None,
        window=parse_minutes(opts["window"], "window") if "window" in opts else None,
        reminder=parse_minutes(opts["reminder"], "reminder", allow_off=True)
        if "reminder" in opts else None,
        enabled=enabled, team=opts.get("team"),
    )


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")


def parse_clock(text: str) -> time:
    """`09:30`, `9:30`, `9am`, `5:30pm`, `17:00`."""
    m = _CLOCK.match(text.strip().lower())
    hour = int(m.group(1)) if m else -1
    minute = int(m.group(2) or 0) if m else -1
    if m and m.group(3):
        hour = -1 if not 1 <= hour <= 12 else hour % 12 + (12 if m.group(3) == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise UsageError(f"`time:{text}` is not a time of day; use 24-hour time like time:09:30.")
    return time(hour, minute)


def parse_days(text: str) -> tuple[int, ...]:
    """`mon-fri`, `mon,wed,fri`, `sun-thu`, `weekdays`, `daily`."""
    raw = text.strip().lower()
    if raw in ("weekdays", "workdays"):
        return DEFAULT_DAYS
    if raw in ("daily", "everyday", "every", "all", "mon-sun"):
        return tuple(range(7))
    days: set[int] = set()
    for item in filter(None, (p.strip() for p in raw.split(","))):
        first, _, last = item.partition("-")
        a = _day_index(first, text)
        b = _day_index(last, text) if last else a
        days.update((a + i) % 7 for i in range((b - a) % 7 + 1))
    if not days:
        raise UsageError("`days:` needs days, like days:mon-fri or days:mon,wed,fri.")
    return tuple(sorted(days))


def _day_index(word: str, text: str) -> int:
    key = word.strip()[:3]
    if key not in DAY_NAMES:
        raise UsageError(f"`days:{text}` is not a list of days; use days:mon-fri, "
                         "days:mon,wed,fri or days:sun-thu.")
    return DAY_NAMES.index(key)


_DURATION = re.compile(r"^(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$")


def parse_minutes(text: str, option: str, *, allow_off: bool = False) -> int:
    """`120m`, `2h`, `1h30m`, `90` (minutes); `off` or `0` where allowed."""
    raw = text.strip().lower()
    if allow_off and raw in ("off", "none", "no", "0", "0m"):
        return 0
    def number(digits: str | None) -> int:  # past any limit, however many digits
        return int(digits or 0) if len(digits or "") <= 6 else 10**6

    if raw.isdigit():
        minutes = number(raw)
    else:
        m = _DURATION.match(raw)
        if not raw or m is None:
            raise UsageError(f"`{option}:{text}` is not a duration; use minutes like "
                             f"{option}:30m or hours like {option}:2h.")
        minutes = number(m.group(1)) * 60 + number(m.group(2))
    if not 5 <= minutes <= 12 * 60:
        raise UsageError(f"`{option}:` must be between 5 minutes and 12 hours.")
    return minutes


def _parse_away(rest: str) -> StandupAway:
    raw = rest.strip()
    if not raw or raw.lower() in ("list", "show"):
        return StandupAway()
    if raw.lower() in ("off", "clear", "cancel", "back", "none"):
        return StandupAway(clear=True)
    parts = re.split(r"\s*(?:\.\.|→|–|—|\bto\b|\buntil\b)\s*", raw, maxsplit=1)
    start = parts[0].strip().strip('"')
    end = parts[1].strip().strip('"') if len(parts) > 1 else start
    if not start or not end:
        raise UsageError("Use `/standup ooo 2026-12-20..2027-01-02` (or one day: "
                         "`/standup ooo tomorrow`); `/standup ooo off` when you are back.")
    return StandupAway(start, end)


# --- the schedule (pure) ------------------------------------------------------------------


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


def has_blockers(text: str) -> bool:
    """Whether an answer's blockers field reports a real blocker ("none" does not)."""
    return text.strip().lower().strip(".!") not in _NO_BLOCKERS


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
        for r in standups.away_between(session, [m.id for m in team.members], min(days),
                                       max(days)):
            for d in days:
                if r.start_day <= d <= r.end_day:
                    away[d].add(r.member_id)
    return TeamSchedule(config, team, StandupTimes.of(config), repo.holidays(session, team.id),
                        away)


# --- results ------------------------------------------------------------------------------


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
class ConfigView:
    team_name: str
    channel_id: str
    timezone: str
    configured: bool
    enabled: bool
    prompt_time: time
    days: tuple[int, ...]
    tz_mode: str
    window_minutes: int
    reminder_minutes: int
    next_day: date | None = None


@dataclass(frozen=True)
class StandupConfigResult:
    config: ConfigView
    message: str = ""


@dataclass(frozen=True)
class StandupDone:
    """A confirmation: answered, skipped, away, started."""

    message: str


@dataclass(frozen=True)
class StandupReport:
    summary: StandupSummary
    held: bool  # False: no stand-up was scheduled that day


StandupResult = StandupConfigResult | StandupDone | StandupReport


# --- running ------------------------------------------------------------------------------


def run_standup(args: StandupArgs, *, session: Session, actor: Actor,
                now: datetime) -> StandupResult:
    if isinstance(args, StandupStatus):
        return _status(session, actor, now)
    if isinstance(args, StandupConfigure):
        return _configure(args, session, actor, now)
    if isinstance(args, StandupAnswerArgs):
        return _answer(args, session, actor, now)
    if isinstance(args, StandupSkip):
        return _skip(args, session, actor, now)
    if isinstance(args, StandupAway):
        return _away(args, session, actor, now)
    if isinstance(args, StandupNow):
        return _now(args, session, actor, now)
    return _report(args, session, actor, now)


def config_view(session: Session, team: Team, cfg: StandupConfig | None,
                now: datetime) -> ConfigView:
    if cfg is None:
        return ConfigView(team.name, team.slack_channel_id, team.timezone, False, False,
                          DEFAULT_TIME, DEFAULT_DAYS, "team", DEFAULT_WINDOW, DEFAULT_REMINDER)
    days = tuple(DAY_NAMES.index(d) for d in cfg.days.split(",") if d)
    next_day = None
    if cfg.enabled:
        hol = repo.holidays(session, team.id)
        today = local_today(now, team.timezone)
        for i in range(15):
            d = today + timedelta(days=i)
            if d.weekday() in days and d not in hol and \
                    local_instant(d, cfg.prompt_time, team.timezone) > now:
                next_day = d
                break
    return ConfigView(team.name, team.slack_channel_id, team.timezone, True, cfg.enabled,
                      cfg.prompt_time, days, cfg.tz_mode, cfg.window_minutes,
                      cfg.reminder_minutes, next_day)


def _can_run(actor: Actor, team: Team) -> None:
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(f"Only a manager of {team.name} or an admin can change its "
                               "stand-up; `/standup config` shows it.")


def _status(session: Session, actor: Actor, now: datetime) -> StandupConfigResult:
    team = find_team(session, actor, None)
    cfg = standups.config_for(session, team.id)
    view = config_view(session, team, cfg, now)
    member = actor.member
    if cfg is None or member.team_id != team.id:
        return StandupConfigResult(view)
    day = answer_day(session, cfg, member, now)
    ans = standups.answer_for(session, member.id, day)
    when = format_day(day, local_today(now, member.timezone))
    held = team_schedule(session, cfg, [day]).day(day)
    if ans is None and (held is None or held.prompt_at(member.id) is None):
        line = f"No stand-up for you {on_day(day, local_today(now, member.timezone))}."
    elif ans is None:
        line = f"You have not answered the stand-up of {when} yet: `/standup answer`."
    elif ans.skipped:
        line = f"You skipped the stand-up of {when}."
    else:
        line = f"You answered the stand-up of {when}."
    return StandupConfigResult(view, line)


def _configure(args: StandupConfigure, session: Session, actor: Actor,
               now: datetime) -> StandupConfigResult:
    team = find_team(session, actor, args.team)
    cfg = standups.config_for(session, team.id)
    if not args.changes_something:
        view = config_view(session, team, cfg, now)
        return StandupConfigResult(view)
    _can_run(actor, team)
    if cfg is None:
        cfg = StandupConfig(team_id=team.id, enabled=False, prompt_time=DEFAULT_TIME,
                            days=",".join(DAY_NAMES[d] for d in DEFAULT_DAYS), tz_mode="team",
                            window_minutes=DEFAULT_WINDOW, reminder_minutes=DEFAULT_REMINDER,
                            enabled_at=now, updated_at=now)
        session.add(cfg)
    window = args.window if args.window is not None else cfg.window_minutes
    reminder = args.reminder if args.reminder is not None else cfg.reminder_minutes
    if reminder and reminder >= window:
        raise UsageError(f"The reminder ({reminder} min) must come before the window closes "
                         f"({window} min): shorten `reminder:` or lengthen `window:`.")
    enabled = args.enabled if args.enabled is not None else True
    if enabled and not cfg.enabled:
        cfg.enabled_at = now  # stand-ups before this moment are neither sent nor missed
    cfg.enabled = enabled
    if args.prompt_time is not None:
        cfg.prompt_time = args.prompt_time
    if args.days is not None:
        cfg.days = ",".join(DAY_NAMES[d] for d in args.days)
    if args.tz_mode is not None:
        cfg.tz_mode = args.tz_mode
    cfg.window_minutes, cfg.reminder_minutes = window, reminder
    cfg.updated_by_id, cfg.updated_at = actor.member.id, now
    session.flush()
    view = config_view(session, team, cfg, now)
    message = (f"Stand-up of {team.name} updated." if enabled
               else f"Stand-up of {team.name} turned off; `/standup config on` turns it on.")
    return StandupConfigResult(view, message)


def _team_of(session: Session, actor: Actor) -> tuple[Team, StandupConfig]:
    team = actor.member.team
    if team is None:
        raise UsageError("You are not in a team, so you have no stand-up. A manager adds you "
                         "with `/sales team add @you`.")
    cfg = standups.config_for(session, team.id)
    if cfg is None or not (cfg.enabled or cfg.adhoc_day):
        raise UsageError(f"{team.name} has no stand-up yet; a manager starts one with "
                         "`/standup config time:09:30 days:mon-fri`.")
    return team, cfg


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


@dataclass(frozen=True)
class MyStandup:
    """Where the caller's stand-up stands now, for their Home tab."""

    team_name: str
    day: date  # the stand-up an answer now is for
    today: date  # the member's today where the stand-up happens
    state: str  # no_standup, away, upcoming, open, closed (not answered), answered, skipped
    opens_at: datetime | None = None  # the member's prompt
    closes_at: datetime | None = None  # the summary
    answered_at: datetime | None = None


def my_standup(session: Session, actor: Actor, now: datetime) -> MyStandup | None:
    """The caller's stand-up of today (or the one still open from yesterday); None when
    their team runs none."""
    team, member = actor.member.team, actor.member
    cfg = standups.config_for(session, team.id) if team is not None else None
    if team is None or cfg is None or not (cfg.enabled or cfg.adhoc_day):
        return None
    day = answer_day(session, cfg, member, now)
    today = standup_today(cfg, member, now)
    s = team_schedule(session, cfg, [day]).day(day)
    if s is None:
        return MyStandup(team.name, day, today, "no_standup")
    at = s.prompt_at(member.id)
    if at is None:
        return MyStandup(team.name, day, today, "away", closes_at=s.summary_at)
    ans = standups.answer_for(session, member.id, day)
    if ans is not None and ans.skipped:
        state = "skipped"
    elif ans is not None and ans.answered_at is not None:
        state = "answered"
    else:
        state = "upcoming" if now < at else "open" if now < s.summary_at else "closed"
    return MyStandup(team.name, day, today, state, at, s.summary_at,
                     ans.answered_at if ans is not None and not ans.skipped else None)


def _checked(text: str, part: str) -> str:
    """The answer's `part` without surrounding space; too long is refused, never cut."""
    return check_length(text.strip(), "stand-up answer", label=f"`{part}:` answer",
                        form_input=part)


def _answer(args: StandupAnswerArgs, session: Session, actor: Actor,
            now: datetime) -> StandupDone:
    team, cfg = _team_of(session, actor)
    member = actor.member
    day = args.day or answer_day(session, cfg, member, now)
    _refuse_day_off(session, cfg, member, day, now, blocker=has_blockers(args.blockers or ""))
    yesterday, today = args.yesterday, args.today
    if yesterday is None or today is None:
        draft = standup_draft(session, actor, day, now)
        yesterday = draft.yesterday if yesterday is None else yesterday
        today = draft.today if today is None else today
    yesterday, today = _checked(yesterday, "yesterday"), _checked(today, "today")
    blockers = _checked(args.blockers or "", "blockers")
    ans = standups.answer_for(session, member.id, day)
    if ans is None:
        ans = StandupAnswer(team_id=team.id, member_id=member.id, day=day)
        session.add(ans)
    ans.team_id, ans.skipped = team.id, False
    ans.yesterday, ans.today, ans.blockers = yesterday, today, blockers
    ans.answered_at = now
    session.flush()
    when = format_day(day, standup_today(cfg, member, now))
    message = f"Thanks! Your stand-up for {when} is in."
    s = team_schedule(session, cfg, [day]).day(day)
    if s is not None and now >= s.summary_at:
        message += f" The summary already went out, so your answer joins its thread in " \
                   f"<#{team.slack_channel_id}>."
    if has_blockers(ans.blockers):
        message += " Your blocker is in the summary for your manager to see."
    return StandupDone(message)


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


def _refuse_day_off(session: Session, cfg: StandupConfig, member: Member, day: date,
                    now: datetime, *, blocker: bool = False) -> None:
    # An answer for a day without a stand-up would never reach a summary: say so, and when
    # the next stand-up is, instead of keeping it and promising what will not happen.
    if team_schedule(session, cfg, [day]).day(day) is not None:
        return
    today = standup_today(cfg, member, now)
    when = format_day(day, today)
    message = (f"{cfg.team.name} has no stand-up {'today' if when == 'today' else 'on ' + when}"
               f" ({day:%A}), so there is nothing to answer and nothing was saved.")
    found = next_standup(session, cfg, member, day)
    if found is not None:
        at = found[1].astimezone(ZoneInfo(member.timezone))
        message += (f" The next stand-up is {format_day(found[0], today)} at {at:%H:%M}; "
                    "answer it then.")
    if blocker:
        message += " A blocker that cannot wait: tell your manager directly."
    raise UsageError(message)


def _skip(args: StandupSkip, session: Session, actor: Actor, now: datetime) -> StandupDone:
    team, cfg = _team_of(session, actor)
    member = actor.member
    day = args.day or answer_day(session, cfg, member, now)
    _refuse_day_off(session, cfg, member, day, now)
    when = format_day(day, standup_today(cfg, member, now))
    ans = standups.answer_for(session, member.id, day)
    if ans is not None and not ans.skipped:
        raise UsageError(f"You already answered the stand-up of {when}; nothing to skip.")
    if ans is None:
        session.add(StandupAnswer(team_id=team.id, member_id=member.id, day=day, skipped=True,
                                  yesterday="", today="", blockers="", answered_at=now))
        session.flush()
    return StandupDone(f"Skipped the stand-up of {when}: no reminder, and the summary says "
                       "you skipped.")


def _away(args: StandupAway, session: Session, actor: Actor, now: datetime) -> StandupDone:
    member = actor.member
    today = local_today(now, member.timezone)
    ranges = standups.away_from(session, member.id, today)
    if args.clear:
        for r in ranges:
            if r.start_day < today:
                r.end_day = today - timedelta(days=1)
            else:
                session.delete(r)
        session.flush()
        return StandupDone("Welcome back! Stand-up prompts resume with the next stand-up."
                           if ranges else "You had no out-of-office days planned.")
    if args.start is None or args.end is None:
        if not ranges:
            return StandupDone("You have no out-of-office days planned. Add some with "
                               "`/standup ooo 2026-12-20..2027-01-02`.")
        spans = ", ".join(_span(r.start_day, r.end_day, today) for r in ranges)
        return StandupDone(f"Out of office: {spans}. `/standup ooo off` clears it.")
    start = parse_day(args.start, today=today, prefer="future", option="ooo")
    end = parse_day(args.end, today=today, prefer="future", option="ooo")
    if end < start:
        raise UsageError(f"The out-of-office range ends ({end.isoformat()}) before it starts "
                         f"({start.isoformat()}).", field="end")
    if end < today:
        raise UsageError("That range is in the past; give days from today on.", field="end")
    if (end - start).days >= MAX_AWAY_DAYS:
        raise UsageError("An out-of-office range can be at most a year long.", field="end")
    session.add(OutOfOffice(member_id=member.id, start_day=start, end_day=end, created_at=now))
    session.flush()
    return StandupDone(f"Out of office {_span(start, end, today)}: no stand-up prompts, and "
                       "summaries show you as away. `/standup ooo off` when you are back early.")


def _span(start: date, end: date, today: date) -> str:
    if start == end:
        return format_day(start, today)
    return f"{format_day(start, today)} → {format_day(end, today)}"


def _now(args: StandupNow, session: Session, actor: Actor, now: datetime) -> StandupDone:
    team = find_team(session, actor, args.team)
    _can_run(actor, team)
    cfg = standups.config_for(session, team.id)
    if cfg is None:
        cfg = StandupConfig(team_id=team.id, enabled=False, prompt_time=DEFAULT_TIME,
                            days=",".join(DAY_NAMES[d] for d in DEFAULT_DAYS), tz_mode="team",
                            window_minutes=DEFAULT_WINDOW, reminder_minutes=DEFAULT_REMINDER,
                            enabled_at=now, updated_at=now, team=team)
        session.add(cfg)
    day = local_today(now, team.timezone)
    schedule = team_schedule(session, cfg, [day])
    regular = schedule.day(day)
    if regular is not None and regular.starts_at <= now:
        started = regular.starts_at.astimezone(ZoneInfo(team.timezone))
        raise UsageError(f"Today's stand-up of {team.name} already started at "
                         f"{started:%H:%M}; `/standup report` shows how it is going.")
    if not schedule.people:
        raise UsageError(f"Nobody is in {team.name} yet: `/sales team add @alice @bob`.")
    cfg.adhoc_day, cfg.adhoc_at = day, now
    cfg.updated_by_id, cfg.updated_at = actor.member.id, now
    session.flush()
    started_now = team_schedule(session, cfg, [day]).day(day)
    if started_now is None:
        raise UsageError(f"Everyone in {team.name} is out of office today.")
    closes = started_now.summary_at.astimezone(ZoneInfo(team.timezone))
    n = len(started_now.prompts)
    return StandupDone(f"Starting the {team.name} stand-up now: {n} "
                       f"{'person gets' if n == 1 else 'people get'} a DM within a minute, and "
                       f"the summary posts in <#{team.slack_channel_id}> at {closes:%H:%M}.")


def _report(args: StandupReportArgs, session: Session, actor: Actor,
            now: datetime) -> StandupReport:
    team = find_team(session, actor, args.team)
    require_read_team(actor, team, "stand-up report")
    today = local_today(now, team.timezone)
    day = parse_day(args.day, today=today, prefer="past", option="report") if args.day else today
    if day > today:
        raise UsageError(f"{format_day(day, today)} ({day.isoformat()}) has not happened yet "
                         f"in {team.name}'s timezone; `/standup report` covers today or an "
                         "earlier day.")
    cfg = standups.config_for(session, team.id)
    schedule = team_schedule(session, cfg, [day]).day(day) if cfg is not None else None
    summary = summarize(session, team, day, as_of=now,
                        late_after=schedule.summary_at if schedule else None)
    return StandupReport(summary, held=schedule is not None)


def summarize(session: Session, team: Team, day: date, *, as_of: datetime,
              late_after: datetime | None = None) -> StandupSummary:
    """The stand-up of `day` as it stood at `as_of`; answers after `late_after` are late."""
    answers = [a for a in standups.answers_between(session, team.id, day, day)
               if a.answered_at <= as_of]
    members = list(team.members)
    away = {r.member_id for r in standups.away_between(session, [m.id for m in members], day,
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


# --- the pre-filled answer ----------------------------------------------------------------


@dataclass(frozen=True)
class StandupDraft:
    """What the answer form starts with: logged work, the plan, any answer already given."""

    day: date
    team_name: str
    previous_day: date
    yesterday: str
    today: str
    blockers: str
    plan_hint: str | None


def standup_draft(session: Session, actor: Actor, day: date, now: datetime) -> StandupDraft:
    """Pre-fill an answer for `day` from the member's previous working day and their plan."""
    member = actor.member
    team = member.team
    hol = repo.holidays(session, team.id) if team else set()
    earlier = working_days(day - timedelta(days=14), day - timedelta(days=1), hol)
    previous = earlier[-1] if earlier else day - timedelta(days=1)
    existing = standups.answer_for(session, member.id, day)
    hint = plan_hint(session, actor, now)
    if existing is not None and not existing.skipped:
        return StandupDraft(day, team.name if team else "", previous, existing.yesterday,
                            existing.today, existing.blockers, hint)
    lines = []
    next_steps = []
    for a in standups.activities_on(session, member.id, previous):
        line = f"• {a.type.value.capitalize()}: {a.customer.name}"
        if a.outcome:
            line += f" ({a.outcome.value})"
        if a.notes:
            line += f" — {a.notes[:120]}"
        lines.append(line)
        if a.next_step:
            next_steps.append(f"• {a.next_step[:120]} ({a.customer.name})")
    zone = ZoneInfo(member.timezone)
    start = datetime.combine(previous, time(), zone)
    for h in standups.deal_changes_between(session, member.id, start,
                                           start + timedelta(days=1)):
        what = {"stage": "stage", "amount": "amount", "close": "close date"}.get(h.field,
                                                                                h.field)
        lines.append(f"• {h.deal.ref} {h.deal.name}: {what} {h.old_value or 'set'} → "
                     f"{h.new_value}")
    today_lines = ([f"• {hint}"] if hint else []) + next_steps
    return StandupDraft(day, team.name if team else "", previous,
                        "\n".join(lines)[:MAX_TEXT], "\n".join(today_lines)[:MAX_TEXT], "",
                        hint)


def plan_hint(session: Session, actor: Actor, now: datetime) -> str | None:
    """'2.5 visits a day to stay on pace' from the member's revenue plan, when there is one."""
    member = actor.member
    try:
        plan = run_plan(PlanArgs(Mention(member.slack_user_id, member.name), None),
                        session=session, actor=actor, now=now)
    except UserFacingError:
        return None
    per_day = plan.plan.visits_per_rep_per_day
    if per_day is None or per_day <= 0:
        return None
    # rounded up: 33.34 visits a day is not done with 33.3
    text = f"{per_day.quantize(Decimal('0.1'), ROUND_CEILING)}".removesuffix(".0")
    return f"{text} visit{'' if text == '1' else 's'} a day to stay on pace " \
           f"({plan.period.label} plan)"
