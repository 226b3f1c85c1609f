"""/sales config forecast: which category each stage's deals default to (the workspace's),
and when a team's weekly forecast call goes out (`forecast:mon-10:00|off`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.aliases import english_key, english_value, is_value_of, shown_option
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import current_locale, joined, listed, t, tp
from commands.core.text import split_words
from commands.deals.labels import stage_label
from commands.forecast.categories import (
    SETTABLE,
    category_label,
    format_stage_categories,
    parse_category,
    parse_stage_categories,
    workspace_categories,
)
from commands.team.config import _DIGEST, DAYS, ConfigArgs, parse_config, run_config
from commands.team.sales import find_team
from storage import repo
from storage.models import ForecastSchedule, ForecastSettings, Team

DEFAULT_DAY, DEFAULT_AT, DEFAULT_DEADLINE = 0, "10:00", "15:00"
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_SCHEDULE_KEYS = ("forecast", "forecast_deadline")


@dataclass(frozen=True)
class ForecastConfigArgs:
    categories: dict[str, str]  # stage -> category; empty: show them
    schedule: tuple[int, str] | None = None  # weekday (Monday 0), HH:MM
    off: bool = False
    deadline: str | None = None
    team_name: str | None = None


@dataclass(frozen=True)
class ForecastConfigResult:
    team_name: str
    message: str
    categories: tuple[tuple[str, str], ...]  # every open stage and its default category
    schedule: str  # "Mon 10:00, reminder at 15:00 (team time)" or "off"


def _in_english(word: str) -> str:
    """`预测:mon-10:00`, `方案:最佳`, `团队:"华东"`: a setting with its Chinese key and value
    read as the English one (`forecast:mon-10:00`, `proposal:best_case`, `team:华东`)."""
    key, sep, value = word.partition(":")
    if not sep:
        return word
    if is_value_of("stage", key):
        return f"{english_value('stage', key)}:{english_value('forecast', value)}"
    english = english_key(key.strip(), ("team", *_SCHEDULE_KEYS))
    if english is None:
        return word
    # the schedule's `off` is written like digest's (`预测:关闭`)
    return f"{english}:{english_value('digest', value) if english == 'forecast' else value}"


def is_forecast_config(text: str) -> bool:
    words = [_in_english(w).lower() for w in split_words(text)]
    return bool(words) and (words[0] == "forecast" or any(
        w.startswith(tuple(f"{k}:" for k in _SCHEDULE_KEYS)) for w in words))


def parse_config_family(text: str) -> ConfigArgs | ForecastConfigArgs:
    """`/sales config ...`: the forecast settings here, every other setting in team.config."""
    return parse_forecast_config(text) if is_forecast_config(text) else parse_config(text)


def run_config_family(args: Any, *, session: Session, actor: Actor, now: datetime) -> Any:
    if isinstance(args, ForecastConfigArgs):
        return run_forecast_config(args, session=session, actor=actor, now=now)
    return run_config(args, session=session, actor=actor, now=now)


def _clock(raw: str, option: str, example: str) -> str:
    m = _TIME.match(raw)
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise UsageError(t("`{option}:{raw}` is not a time like {option}:{example}.",
                           option=shown_option(option), raw=raw, example=example))
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def parse_forecast_config(text: str) -> ForecastConfigArgs:
    """`/sales config forecast proposal:best_case negotiation:commit`,
    `/sales config forecast:mon-10:00|off [forecast_deadline:15:00] [team:"East"]`."""
    categories: dict[str, str] = {}
    schedule, off, deadline, team = None, False, None, None
    for word in split_words(text):
        key, sep, value = _in_english(word).partition(":")
        key = key.lower()
        if not sep:
            if key != "forecast":
                raise UsageError(t("`{word}` is not a forecast setting; try `/sales config "
                                   "forecast proposal:best_case negotiation:commit`.",
                                   word=word))
            continue
        if key == "team":
            team = value
        elif key == "forecast":
            raw = value.strip().lower()
            if raw == "off":
                off = True
                continue
            m = _DIGEST.match(raw)
            if m is None or int(m.group(2)) > 23 or int(m.group(3)) > 59:
                raise UsageError(t("`forecast:{raw}` is not a day and time like "
                                   "forecast:mon-10:00 (or forecast:off).", raw=raw))
            schedule = (DAYS.index(m.group(1)), f"{int(m.group(2)):02d}:{m.group(3)}")
        elif key == "forecast_deadline":
            deadline = _clock(value.strip(), "forecast_deadline", "15:00")
        else:
            categories[key] = parse_category(value, key)
            if categories[key] == "auto":
                raise UsageError(t("`{word}`: give the stage a category: {categories}.",
                                   word=word, categories=listed(SETTABLE)))
    return ForecastConfigArgs(categories, schedule, off, deadline, team)


def schedule_text(row: ForecastSchedule | None) -> str:
    if row is not None and not row.enabled:
        return tp("schedule", "off")
    day = row.weekday if row else DEFAULT_DAY
    at = row.at if row else DEFAULT_AT
    deadline = row.deadline if row else DEFAULT_DEADLINE
    return t("{day} {at}, one reminder at {deadline} (team time)",
             day=weekday_name(day), at=at, deadline=deadline)


def weekday_name(day: int) -> str:
    """Mon .. Sun (周一 .. 周日), Monday 0."""
    names = (tp("weekday", "Mon"), tp("weekday", "Tue"), tp("weekday", "Wed"),
             tp("weekday", "Thu"), tp("weekday", "Fri"), tp("weekday", "Sat"),
             tp("weekday", "Sun"))
    return names[day]


def week_moment(tz: str, weekday: int, at: str, now: datetime) -> datetime:
    """`at` on `weekday` of the ISO week that holds `now`, in timezone `tz`."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone).date()
    hour, minute = (int(x) for x in at.split(":"))
    return datetime.combine(local - timedelta(days=local.weekday() - weekday),
                            time(hour, minute), zone)


def next_deadline(session: Session, team: Team, now: datetime) -> datetime | None:
    """When the team's calls are next due (this week's deadline, else next week's), in the
    team's timezone; None when its weekly call is off."""
    row = repo.forecasts.forecast_schedule(session, team.id)
    if row is not None and not row.enabled:
        return None
    day, deadline = (row.weekday, row.deadline) if row else (DEFAULT_DAY, DEFAULT_DEADLINE)
    moment = week_moment(team.timezone, day, deadline, now)
    return moment if moment >= now else moment + timedelta(days=7)


def run_forecast_config(args: ForecastConfigArgs, *, session: Session, actor: Actor,
                        now: datetime) -> ForecastConfigResult:
    """Show or change the forecast settings: stage defaults (admins), schedule (managers)."""
    ws = actor.workspace
    team = find_team(session, actor, args.team_name)
    done = []
    if args.categories:
        if not actor.is_admin:
            raise PermissionDenied(t("Only an admin can set the workspace's forecast "
                                     "categories; `/sales config forecast` shows them."))
        stages = {s.name: s for s in repo.deals.stages(session, ws.id)}
        for stage in args.categories:
            if stage not in stages or stages[stage].is_closed:
                open_names = listed(n for n, s in stages.items() if not s.is_closed)
                raise UsageError(t("`{stage}:` is not an open stage; the open stages are "
                                   "{stages}.", stage=stage, stages=open_names))
        row = repo.forecasts.forecast_settings(session, ws.id)
        if row is None:
            row = ForecastSettings(workspace_id=ws.id, categories="")
            session.add(row)
        merged = {**parse_stage_categories(row.categories), **args.categories}
        row.categories, row.updated_at = format_stage_categories(merged), now
        defaults = [t("{category} in {stage}", stage=stage_label(s),
                      category=c if current_locale() == "en" else category_label(c))
                    for s, c in args.categories.items()]
        done.append(t("deals default to {list}", list=listed(defaults)))
    sched = repo.forecasts.forecast_schedule(session, team.id)
    if args.schedule is not None or args.off or args.deadline is not None:
        if not (actor.is_admin or actor.manages(team)):
            raise PermissionDenied(t("Only a manager of {team} or an admin can change "
                                     "when its forecast call goes out.", team=team.name))
        if sched is None:
            sched = ForecastSchedule(team_id=team.id, enabled=True, weekday=DEFAULT_DAY,
                                     at=DEFAULT_AT, deadline=DEFAULT_DEADLINE)
            session.add(sched)
        if args.schedule is not None:
            sched.weekday, sched.at = args.schedule
        sched.enabled = not args.off
        if args.deadline is not None:
            sched.deadline = args.deadline
        sched.updated_at = now
        done.append(t("{team}'s forecast call: {schedule}", team=team.name,
                      schedule=schedule_text(sched)))
    session.flush()
    cats = workspace_categories(session, ws.id)
    return ForecastConfigResult(
        team.name, t("Updated: {changes}.", changes=joined(done)) if done else "",
        tuple(cats.defaults.items()), schedule_text(sched))
