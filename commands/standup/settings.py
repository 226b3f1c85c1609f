"""/standup config, status and now: a team's stand-up settings, shown and changed by its
managers, and a one-off stand-up started on demand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.aliases import shown_option
from commands.core.dates import format_day, local_today, on_day
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import t, tn
from commands.core.text import choice, parse_words
from commands.standup.answers import StandupDone
from commands.standup.schedule import DAY_NAMES, answer_day, local_instant, team_schedule
from commands.team.sales import find_team
from storage import repo
from storage.models import StandupConfig, Team

DEFAULT_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
TZ_MODES = ("team", "local")
DEFAULT_TIME = time(9, 30)
DEFAULT_WINDOW = 120
DEFAULT_REMINDER = 30
CONFIG_OPTIONS = ("time", "days", "tz", "window", "reminder", "team")


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
class StandupNow:
    team: str | None = None


def parse_standup_config(rest: str) -> StandupConfigure:
    words = parse_words(rest, CONFIG_OPTIONS)
    enabled = None
    for word in words.positionals:
        if word.lower() in ("on", "off"):
            enabled = word.lower() == "on"
        else:
            raise UsageError(t("`{word}` is not a stand-up setting. Use `/standup config "
                               "time:09:30 days:mon-fri tz:team window:120m reminder:30m`, or "
                               "`/standup config off`.", word=word))
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
        raise UsageError(t("`time:{text}` is not a time of day; use 24-hour time like "
                           "time:09:30.", text=text))
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
        raise UsageError(t("`days:` needs days, like days:mon-fri or days:mon,wed,fri."))
    return tuple(sorted(days))


def _day_index(word: str, text: str) -> int:
    key = word.strip()[:3]
    if key not in DAY_NAMES:
        raise UsageError(t("`days:{text}` is not a list of days; use days:mon-fri, "
                           "days:mon,wed,fri or days:sun-thu.", text=text))
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
            raise UsageError(t("`{option}:{text}` is not a duration; use minutes like "
                               "{option}:30m or hours like {option}:2h.",
                               option=shown_option(option),
                               text=text))
        minutes = number(m.group(1)) * 60 + number(m.group(2))
    if not 5 <= minutes <= 12 * 60:
        raise UsageError(t("`{option}:` must be between 5 minutes and 12 hours.",
                           option=shown_option(option)))
    return minutes


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


def config_view(session: Session, team: Team, cfg: StandupConfig | None,
                now: datetime) -> ConfigView:
    if cfg is None:
        return ConfigView(team.name, team.slack_channel_id, team.timezone, False, False,
                          DEFAULT_TIME, DEFAULT_DAYS, "team", DEFAULT_WINDOW, DEFAULT_REMINDER)
    days = tuple(DAY_NAMES.index(d) for d in cfg.days.split(",") if d)
    next_day = None
    if cfg.enabled:
        hol = repo.targets.holidays(session, team.id)
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


def require_standup_manager(actor: Actor, team: Team) -> None:
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(t("Only a manager of {team} or an admin can change its "
                                 "stand-up; `/standup config` shows it.", team=team.name))


def standup_status(session: Session, actor: Actor, now: datetime) -> StandupConfigResult:
    team = find_team(session, actor, None)
    cfg = repo.standups.config_for(session, team.id)
    view = config_view(session, team, cfg, now)
    member = actor.member
    if cfg is None or member.team_id != team.id:
        return StandupConfigResult(view)
    day = answer_day(session, cfg, member, now)
    ans = repo.standups.answer_for(session, member.id, day)
    when = format_day(day, local_today(now, member.timezone))
    held = team_schedule(session, cfg, [day]).day(day)
    if ans is None and (held is None or held.prompt_at(member.id) is None):
        line = t("No stand-up for you {when}.",
                 when=on_day(day, local_today(now, member.timezone)))
    elif ans is None:
        line = t("You have not answered the stand-up of {day} yet: `/standup answer`.",
                 day=when)
    elif ans.skipped:
        line = t("You skipped the stand-up of {day}.", day=when)
    else:
        line = t("You answered the stand-up of {day}.", day=when)
    return StandupConfigResult(view, line)


def configure_standup(args: StandupConfigure, session: Session, actor: Actor,
                      now: datetime) -> StandupConfigResult:
    team = find_team(session, actor, args.team)
    cfg = repo.standups.config_for(session, team.id)
    if not args.changes_something:
        view = config_view(session, team, cfg, now)
        return StandupConfigResult(view)
    require_standup_manager(actor, team)
    if cfg is None:
        cfg = _new_config(session, team, now)
    window = args.window if args.window is not None else cfg.window_minutes
    reminder = args.reminder if args.reminder is not None else cfg.reminder_minutes
    if reminder and reminder >= window:
        raise UsageError(t("The reminder ({reminder} min) must come before the window closes "
                           "({window} min): shorten `reminder:` or lengthen `window:`.",
                           reminder=reminder, window=window))
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
    message = (t("Stand-up of {team} updated.", team=team.name) if enabled
               else t("Stand-up of {team} turned off; `/standup config on` turns it on.",
                      team=team.name))
    return StandupConfigResult(view, message)


def start_standup_now(args: StandupNow, session: Session, actor: Actor,
                      now: datetime) -> StandupDone:
    team = find_team(session, actor, args.team)
    require_standup_manager(actor, team)
    cfg = repo.standups.config_for(session, team.id)
    if cfg is None:
        cfg = _new_config(session, team, now)
    day = local_today(now, team.timezone)
    schedule = team_schedule(session, cfg, [day])
    regular = schedule.day(day)
    if regular is not None and regular.starts_at <= now:
        started = regular.starts_at.astimezone(ZoneInfo(team.timezone))
        raise UsageError(t("Today's stand-up of {team} already started at {time}; "
                           "`/standup report` shows how it is going.", team=team.name,
                           time=f"{started:%H:%M}"))
    if not schedule.people:
        raise UsageError(t("Nobody is in {team} yet: `/sales team add @alice @bob`.",
                           team=team.name))
    cfg.adhoc_day, cfg.adhoc_at = day, now
    cfg.updated_by_id, cfg.updated_at = actor.member.id, now
    session.flush()
    started_now = team_schedule(session, cfg, [day]).day(day)
    if started_now is None:
        raise UsageError(t("Everyone in {team} is out of office today.", team=team.name))
    closes = started_now.summary_at.astimezone(ZoneInfo(team.timezone))
    n = len(started_now.prompts)
    return StandupDone(tn("Starting the {team} stand-up now: {n} person gets a DM within a "
                          "minute, and the summary posts in ",
                          "Starting the {team} stand-up now: {n} people get a DM within a "
                          "minute, and the summary posts in ", n, team=team.name),
                       team.slack_channel_id,
                       t(" at {time}.", time=f"{closes:%H:%M}"))


def _new_config(session: Session, team: Team, now: datetime) -> StandupConfig:
    """A team's first stand-up settings: the defaults, off until turned on or started."""
    cfg = StandupConfig(team_id=team.id, enabled=False, prompt_time=DEFAULT_TIME,
                        days=",".join(DAY_NAMES[d] for d in DEFAULT_DAYS), tz_mode="team",
                        window_minutes=DEFAULT_WINDOW, reminder_minutes=DEFAULT_REMINDER,
                        enabled_at=now, updated_at=now, team=team)
    session.add(cfg)
    return cfg
