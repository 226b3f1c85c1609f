"""/sales holiday: a team's days off, when no targets accrue and no prompts go out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.dates import parse_calendar_day
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import BABEL_LOCALE, current_locale, t
from commands.core.limits import check_length
from commands.core.text import parse_words
from commands.team.teams import find_team
from storage import repo
from storage.models import Holiday


@dataclass(frozen=True)
class HolidayAdd:
    day: date
    name: str
    team: str | None = None  # team:"East"; else the channel's team, or yours


@dataclass(frozen=True)
class HolidayList:
    team: str | None = None


def parse_holiday(rest: str) -> HolidayAdd | HolidayList:
    words = parse_words(rest, ("team",))
    pos, team = words.positionals, words.options.get("team") or None
    if not pos or pos[0].lower() in ("list", "ls"):
        return HolidayList(team)
    if pos[0].lower() != "add" or len(pos) < 2:
        raise UsageError(t('Use `/sales holiday add 2026-12-25 "Christmas"` or '
                           '`/sales holiday`.'))
    return HolidayAdd(parse_calendar_day(pos[1], "holiday"),
                      check_length(" ".join(pos[2:]), "holiday name"), team)


@dataclass(frozen=True)
class HolidayResult:
    """A team's holidays, after a day off was added or when they were listed."""

    team_name: str
    holidays: tuple[date, ...]
    message: str


def run_holiday(args: HolidayAdd | HolidayList, session: Session, actor: Actor) -> HolidayResult:
    team = find_team(session, actor, args.team)
    if isinstance(args, HolidayAdd):
        if not (actor.is_admin or actor.manages(team)):
            raise PermissionDenied(t("Only a manager of {team} or an admin can add holidays.",
                                     team=team.name))
        known = repo.targets.holidays(session, team.id)
        if args.day in known:
            raise UsageError(t("{day} is already a holiday for {team}.",
                               day=args.day.isoformat(), team=team.name))
        session.add(Holiday(team_id=team.id, day=args.day, name=args.name))
        session.flush()
        return HolidayResult(team.name, tuple(sorted({*known, args.day})), t(
            "{day} ({name}) is now a day off for {team}: no working-day targets and no "
            "prompts.", day=_long_day(args.day), name=args.name or t("holiday"),
            team=team.name))
    days = tuple(sorted(repo.targets.holidays(session, team.id)))
    listing = ", ".join(d.isoformat() for d in days) or t("none yet")
    return HolidayResult(team.name, days, t("Holidays of {team}: {days}", team=team.name,
                                            days=listing))


# a day with its weekday and year: "Fri 25 Dec 2026", "2026年12月25日 周五"
_LONG_DAY = {"en": "EEE dd MMM y", "zh": "y年M月d日 EEE"}


def _long_day(day: date) -> str:
    lang = current_locale()
    return format_date(day, _LONG_DAY[lang], locale=BABEL_LOCALE[lang])
