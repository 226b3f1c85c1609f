"""/standup answer, skip and ooo: a member's own stand-up, and where it stands for their Home
tab."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.dates import format_day, iso_or_day, local_today, parse_day
from commands.core.errors import UsageError
from commands.core.i18n import BABEL_LOCALE, current_locale, listed, t, tp
from commands.core.limits import check_length
from commands.standup.draft import standup_draft
from commands.standup.schedule import answer_day, next_standup, standup_today, team_schedule
from storage import repo
from storage.models import Member, OutOfOffice, StandupAnswer, StandupConfig, Team

MAX_AWAY_DAYS = 366
ANSWER_OPTIONS = ("yesterday", "today", "blockers")
_NO_BLOCKERS = {"", "none", "no", "nope", "nothing", "n/a", "na", "-", "no blockers", "nil",
                "all good", "無", "无", "没有"}


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


def parse_away(rest: str) -> StandupAway:
    raw = rest.strip()
    if not raw or raw.lower() in ("list", "show"):
        return StandupAway()
    if raw.lower() in ("off", "clear", "cancel", "back", "none"):
        return StandupAway(clear=True)
    parts = re.split(r"\s*(?:\.\.|→|–|—|\bto\b|\buntil\b)\s*", raw, maxsplit=1)
    start = parts[0].strip().strip('"')
    end = parts[1].strip().strip('"') if len(parts) > 1 else start
    if not start or not end:
        raise UsageError(t("Use `/standup ooo 2026-12-20..2027-01-02` (or one day: "
                           "`/standup ooo tomorrow`); `/standup ooo off` when you are back."))
    return StandupAway(start, end)


def has_blockers(text: str) -> bool:
    """Whether an answer's blockers field reports a real blocker ("none" does not)."""
    return text.strip().lower().strip(".!") not in _NO_BLOCKERS


@dataclass(frozen=True)
class StandupDone:
    """A confirmation: answered, skipped, away, started.

    A channel it names (`channel_id`, e.g. where the summary posts) reads between `message`
    and `after`; the renderer links it.
    """

    message: str
    channel_id: str | None = None
    after: str = ""


def standup_team(session: Session, actor: Actor) -> tuple[Team, StandupConfig]:
    team = actor.member.team
    if team is None:
        raise UsageError(t("You are not in a team, so you have no stand-up. A manager adds "
                           "you with `/sales team add @you`."))
    cfg = repo.standups.config_for(session, team.id)
    if cfg is None or not (cfg.enabled or cfg.adhoc_day):
        raise UsageError(t("{team} has no stand-up yet; a manager starts one with "
                           "`/standup config time:09:30 days:mon-fri`.", team=team.name))
    return team, cfg


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
    cfg = repo.standups.config_for(session, team.id) if team is not None else None
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
    ans = repo.standups.answer_for(session, member.id, day)
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
    return check_length(text.strip(), "stand-up answer", label=t("`{part}:` answer", part=part),
                        form_input=part)


def answer_standup(args: StandupAnswerArgs, session: Session, actor: Actor,
                   now: datetime) -> StandupDone:
    team, cfg = standup_team(session, actor)
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
    ans = repo.standups.answer_for(session, member.id, day)
    if ans is None:
        ans = StandupAnswer(team_id=team.id, member_id=member.id, day=day)
        session.add(ans)
    ans.team_id, ans.skipped = team.id, False
    ans.yesterday, ans.today, ans.blockers = yesterday, today, blockers
    ans.answered_at = now
    session.flush()
    when = format_day(day, standup_today(cfg, member, now))
    message = t("Thanks! Your stand-up for {day} is in.", day=when)
    blocker = (t(" Your blocker is in the summary for your manager to see.")
               if has_blockers(ans.blockers) else "")
    s = team_schedule(session, cfg, [day]).day(day)
    if s is not None and now >= s.summary_at:
        return StandupDone(t("{thanks} The summary already went out, so your answer joins its "
                             "thread in ", thanks=message), team.slack_channel_id,
                           tp("after the summary's channel", ".{blocker}",
                              blocker=blocker))
    return StandupDone(message + blocker)


def _refuse_day_off(session: Session, cfg: StandupConfig, member: Member, day: date,
                    now: datetime, *, blocker: bool = False) -> None:
    # An answer for a day without a stand-up would never reach a summary: say so, and when
    # the next stand-up is, instead of keeping it and promising what will not happen.
    if team_schedule(session, cfg, [day]).day(day) is not None:
        return
    today = standup_today(cfg, member, now)
    when = format_day(day, today)
    if day == today:
        message = t("{team} has no stand-up today ({weekday}), so there is nothing to answer "
                    "and nothing was saved.", team=cfg.team.name, weekday=_weekday(day))
    else:
        message = t("{team} has no stand-up on {day} ({weekday}), so there is nothing to "
                    "answer and nothing was saved.", team=cfg.team.name, day=when,
                    weekday=_weekday(day))
    found = next_standup(session, cfg, member, day)
    if found is not None:
        at = found[1].astimezone(ZoneInfo(member.timezone))
        message += t(" The next stand-up is {day} at {time}; answer it then.",
                     day=format_day(found[0], today), time=f"{at:%H:%M}")
    if blocker:
        message += t(" A blocker that cannot wait: tell your manager directly.")
    raise UsageError(message)


def _weekday(d: date) -> str:
    """Monday, or 星期一."""
    if current_locale() == "zh":
        return format_date(d, "EEEE", locale=BABEL_LOCALE["zh"])
    return f"{d:%A}"



def skip_standup(args: StandupSkip, session: Session, actor: Actor, now: datetime) -> StandupDone:
    team, cfg = standup_team(session, actor)
    member = actor.member
    day = args.day or answer_day(session, cfg, member, now)
    _refuse_day_off(session, cfg, member, day, now)
    when = format_day(day, standup_today(cfg, member, now))
    ans = repo.standups.answer_for(session, member.id, day)
    if ans is not None and not ans.skipped:
        raise UsageError(t("You already answered the stand-up of {day}; nothing to skip.",
                           day=when))
    if ans is None:
        session.add(StandupAnswer(team_id=team.id, member_id=member.id, day=day, skipped=True,
                                  yesterday="", today="", blockers="", answered_at=now))
        session.flush()
    return StandupDone(t("Skipped the stand-up of {day}: no reminder, and the summary says "
                         "you skipped.", day=when))


def set_away(args: StandupAway, session: Session, actor: Actor, now: datetime) -> StandupDone:
    member = actor.member
    today = local_today(now, member.timezone)
    ranges = repo.standups.away_from(session, member.id, today)
    if args.clear:
        for r in ranges:
            if r.start_day < today:
                r.end_day = today - timedelta(days=1)
            else:
                session.delete(r)
        session.flush()
        return StandupDone(t("Welcome back! Stand-up prompts resume with the next stand-up.")
                           if ranges else t("You had no out-of-office days planned."))
    if args.start is None or args.end is None:
        if not ranges:
            return StandupDone(t("You have no out-of-office days planned. Add some with "
                                 "`/standup ooo 2026-12-20..2027-01-02`."))
        spans = listed(
            _span(r.start_day, r.end_day, today) for r in ranges)
        return StandupDone(t("Out of office: {days}. `/standup ooo off` clears it.", days=spans))
    start = parse_day(args.start, today=today, prefer="future", option="ooo")
    end = parse_day(args.end, today=today, prefer="future", option="ooo")
    if end < start:
        raise UsageError(t("The out-of-office range ends ({end}) before it starts ({start}).",
                           end=iso_or_day(end), start=iso_or_day(start)), field="end")
    if end < today:
        raise UsageError(t("That range is in the past; give days from today on."), field="end")
    if (end - start).days >= MAX_AWAY_DAYS:
        raise UsageError(t("An out-of-office range can be at most a year long."), field="end")
    session.add(OutOfOffice(member_id=member.id, start_day=start, end_day=end, created_at=now))
    session.flush()
    return StandupDone(t("Out of office {days}: no stand-up prompts, and summaries show you as "
                         "away. `/standup ooo off` when you are back early.",
                         days=_span(start, end, today)))


def _span(start: date, end: date, today: date) -> str:
    if start == end:
        return format_day(start, today)
    return f"{format_day(start, today)} → {format_day(end, today)}"
