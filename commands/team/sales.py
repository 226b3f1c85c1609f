"""/sales: teams, roles and help."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy.orm import Session

from commands.core.actors import Actor, resolve_person
from commands.core.dates import parse_calendar_day, zone
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import (
    BABEL_LOCALE,
    N_,
    current_locale,
    default_locale,
    locale_of,
    normalize_lang,
    set_locale,
    t,
    tn,
)
from commands.core.limits import check_length
from commands.core.text import Mention, as_mention, choice, closest, name_key, parse_words
from storage import repo
from storage.models import Holiday, Member, Role, Team

ROLES = tuple(r.value for r in Role)
# each language by its own name, as language pickers show them
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
AUTO_WORDS = ("auto", "自动", "default", "默认")
LANGUAGE_WORDS = ("zh", "en", "auto", "中文", "英文", "自动", "chinese", "english")


@dataclass(frozen=True)
class TeamCreate:
    name: str
    timezone: str | None
    language: str | None = None  # lang:zh; None: the workspace default


@dataclass(frozen=True)
class TeamAdd:
    people: tuple[Mention, ...]
    team: str | None = None


@dataclass(frozen=True)
class TeamRemove:
    people: tuple[Mention, ...]
    team: str | None = None


@dataclass(frozen=True)
class HolidayAdd:
    day: date
    name: str
    team: str | None = None  # team:"East"; else the channel's team, or yours


@dataclass(frozen=True)
class HolidayList:
    team: str | None = None


@dataclass(frozen=True)
class MemberStart:
    person: Mention
    started_on: date


@dataclass(frozen=True)
class TeamShow:
    team: str | None = None


@dataclass(frozen=True)
class TeamChannel:
    """Bind the team to the channel the command is run in."""

    team: str | None = None


@dataclass(frozen=True)
class SetRole:
    person: Mention
    role: Role
    team: str | None = None  # with manager: the team they manage


@dataclass(frozen=True)
class SalesHelp:
    topic: str | None = None


@dataclass(frozen=True)
class LanguageShow:
    """`/sales lang`: the caller's language and where it comes from."""


@dataclass(frozen=True)
class LanguageSet:
    """`/sales lang zh|en|auto`: the caller's own language; None is auto."""

    language: str | None


@dataclass(frozen=True)
class TeamLanguage:
    """`/sales team East lang:zh`: the language of the team channel's posts; None: the
    workspace default."""

    team: str | None
    language: str | None


SalesArgs = (TeamCreate | TeamAdd | TeamRemove | TeamShow | TeamChannel | SetRole | SalesHelp
             | HolidayAdd | HolidayList | MemberStart | LanguageShow | LanguageSet
             | TeamLanguage)


def parse_language(value: str, shown: str) -> str | None:
    """"zh", "en", or None for auto, from what someone typed (中文, English, zh-CN, 自动...);
    `shown` is how the value appeared in the command, for the error."""
    key = value.strip().casefold()
    if key in AUTO_WORDS:
        return None
    lang = normalize_lang(key)
    if lang is not None:
        return lang
    guess = closest(key, LANGUAGE_WORDS)
    if guess:
        raise UsageError(t("`{shown}` is not a language. Did you mean `{guess}`? Choose zh "
                           "(中文), en (English) or auto (your Slack locale).",
                           shown=shown, guess=guess))
    raise UsageError(t("`{shown}` is not a language. Choose zh (中文), en (English) or auto "
                       "(your Slack locale).", shown=shown))


def parse_sales(text: str) -> SalesArgs:
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "help"):
        return SalesHelp(rest.strip() or None)
    if verb in ("team", "teams"):
        return _parse_team(rest)
    if verb in ("lang", "language", "语言"):
        value = rest.strip()
        if not value:
            return LanguageShow()
        return LanguageSet(parse_language(value, f"/sales lang {value}"))
    if verb == "role":
        words = parse_words(rest, ("team",))
        people = [as_mention(w) for w in words.positionals]
        if len(words.positionals) != 2 or people[0] is None:
            raise UsageError(t("Use `/sales role @carol manager` (roles: rep, manager, admin), "
                               'or `/sales role @carol manager team:"East"`.'))
        role = Role(choice(words.positionals[1], ROLES, "role"))
        team = words.options.get("team") or None
        if team is not None and role != Role.MANAGER:
            raise UsageError(t('`team:` goes with `manager`: `/sales role @carol manager '
                               'team:"East"` makes carol a manager of East.'))
        return SetRole(people[0], role, team)
    if verb == "holiday":
        return _parse_holiday(rest)
    if verb == "member":
        words = parse_words(rest, ("start",))
        person = as_mention(words.positionals[0]) if len(words.positionals) == 1 else None
        if person is None or not words.options.get("start"):
            raise UsageError(t("Use `/sales member @dan start:2026-10-01` (the rep's first "
                               "day)."))
        return MemberStart(person, _iso_day(words.options["start"], "start"))
    guess = closest(verb, ("team", "role", "help", "holiday", "member", "report",
                           "leaderboard", "digest", "action", "config", "warnings",
                           "export", "lang"))
    if guess:
        raise UsageError(t("`/sales {head}` is not a command. Did you mean `/sales {guess}`? "
                           "`/sales help` lists them all.", head=head, guess=guess))
    raise UsageError(t("`/sales {head}` is not a command. `/sales help` lists them all.",
                       head=head))


def _iso_day(text: str, option: str) -> date:
    return parse_calendar_day(text, option)


def _parse_holiday(rest: str) -> SalesArgs:
    words = parse_words(rest, ("team",))
    pos, team = words.positionals, words.options.get("team") or None
    if not pos or pos[0].lower() in ("list", "ls"):
        return HolidayList(team)
    if pos[0].lower() != "add" or len(pos) < 2:
        raise UsageError(t('Use `/sales holiday add 2026-12-25 "Christmas"` or '
                           '`/sales holiday`.'))
    return HolidayAdd(_iso_day(pos[1], "holiday"),
                      check_length(" ".join(pos[2:]), "holiday name"), team)


TEAM_VERBS = ("", "show", "create", "channel", "add", "remove")


def _parse_team(rest: str) -> SalesArgs:
    head, _, tail = rest.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "show") or verb not in TEAM_VERBS:
        # `/sales team East lang:zh`, `/sales team lang:zh` (the channel's team)
        words = parse_words(tail if verb == "show" else rest, ("team", "lang"))
        name = words.options.get("team") or " ".join(words.positionals) or None
        if "lang" in words.options:
            value = words.options["lang"]
            return TeamLanguage(name, parse_language(value, f"lang:{value}"))
        if verb in ("", "show"):
            return TeamShow(name)
    if verb == "create":
        words = parse_words(tail, ("tz", "lang"))
        if not words.positionals:
            raise UsageError(t('Name the team, like `/sales team create "East" '
                               'tz:Asia/Shanghai`.'))
        name = check_length(" ".join(words.positionals), "team name")
        tz = words.options.get("tz")
        if tz is not None:
            zone(tz)
        lang = words.options.get("lang")
        return TeamCreate(name, tz, parse_language(lang, f"lang:{lang}") if lang else None)
    if verb == "channel":
        words = parse_words(tail, ("team",))
        return TeamChannel(words.options.get("team") or " ".join(words.positionals) or None)
    if verb in ("add", "remove"):
        words = parse_words(tail, ("team",))
        people = tuple(as_mention(w) for w in words.positionals)
        if not people or any(p is None for p in people):
            bad = [w for w in words.positionals if as_mention(w) is None]
            raise UsageError(_mention_them(verb, bad[0] if bad else None))
        cls = TeamAdd if verb == "add" else TeamRemove
        return cls(tuple(p for p in people if p is not None), words.options.get("team"))
    raise UsageError(t(
        "`/sales team {head}` is not a command. Use `/sales team create`, `add`, `remove`, "
        "`channel`, or `/sales team` to show your team.", head=head))


def _mention_them(verb: str, bad: str | None) -> str:
    if verb == "add":
        if bad is not None:
            return t("Mention the people to add, like `/sales team add @alice @bob` (`{word}` "
                     "is not a mention).", word=bad)
        return t("Mention the people to add, like `/sales team add @alice @bob`.")
    if bad is not None:
        return t("Mention the people to remove, like `/sales team remove @alice @bob` "
                 "(`{word}` is not a mention).", word=bad)
    return t("Mention the people to remove, like `/sales team remove @alice @bob`.")


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonLine:
    name: str
    user_id: str
    role: str
    is_manager: bool


@dataclass(frozen=True)
class TeamView:
    name: str
    channel_id: str
    timezone: str
    managers: tuple[PersonLine, ...]
    members: tuple[PersonLine, ...]
    language: str | None = None  # of the channel's posts; None: the workspace default


@dataclass(frozen=True)
class TeamResult:
    team: TeamView
    message: str
    became_admin: bool = False
    in_channel: bool = False  # meant for everyone in the team's channel


@dataclass(frozen=True)
class RoleResult:
    name: str
    role: Role
    message: str


@dataclass(frozen=True)
class HolidayResult:
    """A team's holidays, after a day off was added or when they were listed."""

    team_name: str
    holidays: tuple[date, ...]
    message: str


@dataclass(frozen=True)
class HelpResult:
    topic: str | None


@dataclass(frozen=True)
class LanguageResult:
    """The caller's language, after `/sales lang` showed or changed it."""

    language: str  # "zh" or "en": the one they are answered in
    source: str  # "choice" (their own), "slack" (their Slack locale) or "default"
    slack_locale: str | None
    changed: bool


SalesResult = TeamResult | RoleResult | HolidayResult | HelpResult | LanguageResult


def language_name(lang: str | None) -> str:
    """A language by its own name (English, 中文); None: the workspace default's."""
    return LANGUAGE_NAMES.get(lang or default_locale(), lang or "")


def _sentences(*parts: str) -> str:
    """Sentences one after another: a space between English ones, none between Chinese."""
    return ("" if current_locale() == "zh" else " ").join(p for p in parts if p)


def run_sales(args: SalesArgs, *, session: Session, actor: Actor, now: datetime) -> SalesResult:
    if isinstance(args, SalesHelp):
        return HelpResult(args.topic)
    if isinstance(args, LanguageShow | LanguageSet):
        return _language(args, actor)
    if isinstance(args, TeamLanguage):
        return _team_language(args, session, actor)
    if isinstance(args, TeamCreate):
        return _create_team(args, session, actor, now)
    if isinstance(args, SetRole):
        return _set_role(args, session, actor, now)
    if isinstance(args, HolidayAdd | HolidayList):
        return _holiday(args, session, actor)
    if isinstance(args, MemberStart):
        person = resolve_person(session, actor, args.person, now)
        if not (actor.is_admin or actor.manages(person.team)):
            raise PermissionDenied(t("Only {name}'s manager or an admin can set this.",
                                     name=person.name))
        person.started_on = args.started_on
        return RoleResult(person.name, person.role, t(
            "{name} started on {day}: team targets give them a ramped share (50% in the "
            "first month, 75% in the second).", name=person.name,
            day=args.started_on.isoformat()))
    if isinstance(args, TeamShow):
        team = find_team(session, actor, args.team)
        return TeamResult(team_view(team), message="")
    if isinstance(args, TeamChannel):
        return _bind_channel(args, session, actor)
    team = find_team(session, actor, args.team)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(t("Only a manager of {team} or an admin can change its members.",
                                 team=team.name))
    lines = []
    for mention in args.people:
        if isinstance(args, TeamAdd):
            person = resolve_person(session, actor, mention, now, register=True)
            lines.append(_add(team, person, actor))
        else:
            person = resolve_person(session, actor, mention, now,
                                    among=[*team.members, *team.managers],
                                    where=f"in {team.name}")  # resolve_person's own wording
            lines.append(_remove(team, person))
        session.flush()
    session.refresh(team)
    return TeamResult(team_view(team), message="\n".join(lines))


def _add(team: Team, person: Member, actor: Actor) -> str:
    """Add someone to the team, moving them from their old team if they have one.

    A manager (by role) who manages no team becomes this team's manager: making someone a
    manager works whether `/sales role` or `/sales team add` comes first.
    """
    manages = person.role == Role.MANAGER and not [m for m in person.managed_teams
                                                   if m is not person.team]
    as_manager = manages and team not in person.managed_teams
    names = {"person": person.name, "team": team.name}
    if person.team_id == team.id:
        if not as_manager:
            return t("{person} is already in {team}.", **names)
        person.managed_teams.append(team)
        return t("{person} now manages {team}.", **names)
    old = person.team
    if old is not None:
        if not (actor.is_admin or (actor.manages(old) and actor.manages(team))):
            raise PermissionDenied(t(
                "{person} is in {old}. Only an admin or a manager of both {old} and {team} can "
                "move them.", old=old.name, **names))
        _keep_a_manager(old, person, moving_to=team)
        if old in person.managed_teams:
            person.managed_teams.remove(old)
    person.team = team
    if as_manager:
        person.managed_teams.append(team)
    if old is not None:
        if as_manager:
            return t("Moved {person} from {old} to {team} as a manager.", old=old.name, **names)
        return t("Moved {person} from {old} to {team}.", old=old.name, **names)
    if as_manager:
        return t("Added {person} to {team} as a manager.", **names)
    return t("Added {person} to {team}.", **names)


def _keep_a_manager(team: Team, person: Member, moving_to: Team | None = None) -> None:
    """Refuse what would leave `team` without a manager: its last one is `person` (moving
    to another team, or being removed)."""
    if [m.id for m in team.managers] != [person.id]:
        return
    if moving_to is not None:
        raise UsageError(t(
            "{person} is the only manager of {team}: moving {person} to {other} would leave it "
            "with none. Make someone else its manager first (`/sales role @name manager "
            'team:"{team}"`).', person=person.name, team=team.name, other=moving_to.name))
    raise UsageError(t(
        "{person} is the only manager of {team}: removing {person} would leave it with none. "
        'Make someone else its manager first (`/sales role @name manager team:"{team}"`).',
        person=person.name, team=team.name))


def _remove(team: Team, person: Member) -> str:
    """Take someone out of the team: its member and its manager both, never its last manager.

    A manager of the team who is a member of another team only stops managing this one.
    """
    if team in person.managed_teams:
        _keep_a_manager(team, person)
        person.managed_teams.remove(team)
    if person.team_id == team.id:
        person.team = None
    return t("Removed {person} from {team}.", person=person.name, team=team.name)


def _holiday(args: HolidayAdd | HolidayList, session: Session, actor: Actor) -> HolidayResult:
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


def find_team(session: Session, actor: Actor, name: str | None) -> Team:
    ws = actor.workspace
    if name:
        team = repo.workspaces.team_by_key(session, ws.id, name_key(name))
        if team is None:
            guess = closest(name, repo.workspaces.team_names(session, ws.id))
            if guess:
                raise UsageError(t('There is no team called "{name}". Did you mean "{guess}"?',
                                   name=name, guess=guess))
            raise UsageError(t('There is no team called "{name}".', name=name))
        return team
    if actor.channel_id:
        team = repo.workspaces.team_by_channel(session, ws.id, actor.channel_id)
        if team is not None:
            return team
    if len(actor.member.managed_teams) == 1:
        return actor.member.managed_teams[0]
    if actor.member.team is not None:
        return actor.member.team
    if repo.workspaces.count_teams(session, ws.id) == 0:
        raise UsageError(t(
            "There are no teams yet. In your team's channel, run "
            '`/sales team create "East" tz:Asia/Shanghai`.'
        ))
    raise UsageError(t('Which team? Run this in the team\'s channel, or add team:"East".'))


def _create_team(args: TeamCreate, session: Session, actor: Actor, now: datetime) -> TeamResult:
    ws = actor.workspace
    member = actor.member
    channel = actor.channel_id
    if not channel or channel.startswith("D"):
        raise UsageError(t(
            "Run `/sales team create` in the team's channel: the team is bound to the channel "
            "where it is created."
        ))
    first = repo.workspaces.count_teams(session, ws.id) == 0
    if not first and member.role == Role.REP:
        raise PermissionDenied(t("Only a manager or an admin can create another team."))
    key = name_key(args.name)
    if repo.workspaces.team_by_key(session, ws.id, key) is not None:
        raise UsageError(t('There is already a team called "{name}".', name=args.name))
    bound = repo.workspaces.team_by_channel(session, ws.id, channel)
    if bound is not None:
        raise UsageError(t("This channel already belongs to {team}.", team=bound.name))
    team = Team(
        workspace_id=ws.id, name=args.name, name_key=key, slack_channel_id=channel,
        timezone=args.timezone or member.timezone or ws.default_timezone, created_at=now,
        language=args.language,
    )
    session.add(team)
    became_admin = first and repo.workspaces.count_admins(session, ws.id) == 0
    if became_admin:
        member.role = Role.ADMIN
    elif member.role == Role.REP:
        member.role = Role.MANAGER
    member.managed_teams.append(team)
    if member.team is None:
        member.team = team
    session.flush()
    session.refresh(team)
    message = t("Created team {team} in this channel, timezone {tz}, managed by {name}.",
                team=team.name, tz=team.timezone, name=member.name)
    if became_admin:
        message = _sentences(message, t("{name} is the workspace admin.", name=member.name))
    return TeamResult(team_view(team), message=message, became_admin=became_admin,
                      in_channel=True)


def _bind_channel(args: TeamChannel, session: Session, actor: Actor) -> TeamResult:
    """Move a team's posts (stand-up summary, warnings) to the channel this is run in."""
    channel = actor.channel_id
    if not channel or channel.startswith("D"):
        raise UsageError(t('Run `/sales team channel team:"East"` in the channel the team '
                           "should use."))
    bound = repo.workspaces.team_by_channel(session, actor.workspace.id, channel)
    team = bound if args.team is None and bound is not None \
        else find_team(session, actor, args.team)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(t("Only a manager of {team} or an admin can move its channel.",
                                 team=team.name))
    if bound is not None and bound.id != team.id:
        raise UsageError(t("This channel already belongs to {team}.", team=bound.name))
    if team.slack_channel_id == channel:
        return TeamResult(team_view(team), message=t("{team} already uses this channel.",
                                                     team=team.name))
    team.slack_channel_id = channel
    session.flush()
    return TeamResult(team_view(team), message=t(
        "{team} now uses this channel: its stand-up summary and warnings are posted here. "
        "Invite salesbot to it (`/invite @salesbot`) if it is not a member yet.",
        team=team.name), in_channel=True)


def _set_role(args: SetRole, session: Session, actor: Actor, now: datetime) -> RoleResult:
    if not actor.is_admin:
        raise PermissionDenied(t("Only an admin can change roles."))
    team = find_team(session, actor, args.team) if args.team else None
    person = resolve_person(session, actor, args.person, now, register=True)
    if person.role == Role.ADMIN and args.role != Role.ADMIN \
            and repo.workspaces.count_admins(session, actor.workspace.id) == 1:
        raise UsageError(t("{name} is the only admin; make someone else admin first.",
                           name=person.name))
    said = ROLE_IS[(person.role == args.role, args.role.value)]
    messages = [t(said, name=person.name)]
    person.role = args.role
    if args.role == Role.MANAGER:
        team = team or person.team
        if team is None:
            messages.append(t("Add them to a team with `/sales team add @{name}` (in the "
                              'team\'s channel), or give `team:"East"`, to make them its '
                              "manager.", name=person.name))
        else:
            if team not in person.managed_teams:
                person.managed_teams.append(team)
                if person.team is None:
                    person.team = team
            messages.append(t("They manage {team}.", team=team.name))
    if args.role == Role.REP:
        left = [m.name for m in person.managed_teams if len(m.managers) == 1]
        person.managed_teams.clear()
        if left:
            messages.append(tn(
                "{teams} has no manager now: only admins can change it until someone is made "
                "a manager (`/sales role @name manager`).",
                "{teams} have no manager now: only admins can change them until someone is "
                "made a manager (`/sales role @name manager`).", len(left),
                teams=", ".join(left)))
    session.flush()
    return RoleResult(person.name, args.role, _sentences(*messages))


# what `/sales role` says: (the person already had the role, the role) -> the sentence
ROLE_IS = {
    (False, "rep"): N_("{name} is now a rep."),
    (False, "manager"): N_("{name} is now a manager."),
    (False, "admin"): N_("{name} is now an admin."),
    (True, "rep"): N_("{name} is already a rep."),
    (True, "manager"): N_("{name} is already a manager."),
    (True, "admin"): N_("{name} is already an admin."),
}


def _language(args: LanguageShow | LanguageSet, actor: Actor) -> LanguageResult:
    """Show or set the caller's own language."""
    member = actor.member
    if isinstance(args, LanguageSet):
        member.language = args.language
        # bot.dispatch chose the reply's language before this ran, from the old setting:
        # switch now, so the confirmation (rendered after this returns) is in the new one
        set_locale(locale_of(member.language, member.slack_locale))
    lang = locale_of(member.language, member.slack_locale)
    source = ("choice" if normalize_lang(member.language)
              else "slack" if normalize_lang(member.slack_locale) else "default")
    return LanguageResult(lang, source, member.slack_locale, isinstance(args, LanguageSet))


def _team_language(args: TeamLanguage, session: Session, actor: Actor) -> TeamResult:
    """Set the language of what salesbot posts in the team's channel."""
    team = find_team(session, actor, args.team)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(t("Only a manager of {team} or an admin can set its language.",
                                 team=team.name))
    team.language = args.language
    session.flush()
    if args.language is None:
        message = t("{team}'s channel now gets its stand-up summaries, warnings and digests "
                    "in the workspace default language ({language}).", team=team.name,
                    language=language_name(None))
    else:
        message = t("{team}'s channel now gets its stand-up summaries, warnings and digests "
                    "in {language}.", team=team.name, language=language_name(args.language))
    return TeamResult(team_view(team), message=message)


def team_view(team: Team) -> TeamView:
    managers = tuple(
        PersonLine(m.name, m.slack_user_id, m.role.value, True) for m in team.managers
    )
    manager_ids = {m.id for m in team.managers}
    members = tuple(
        PersonLine(m.name, m.slack_user_id, m.role.value, m.id in manager_ids)
        for m in team.members
    )
    return TeamView(team.name, team.slack_channel_id, team.timezone, managers, members,
                    normalize_lang(team.language))


def join_team_channel(session: Session, actor: Actor,
                      invited_by: str | None = None) -> str | None:
    """Someone joined a team's channel: a rep without a team joins that team, if a manager of
    the team or an admin added them to the channel (`invited_by`, their Slack id).

    Joining a public channel is open to anyone in the workspace, and a team's rep reads its
    figures and (with `deal_cards:team`) its deal cards and shares its targets: someone who
    joined by themselves is told whom to ask. Returns what to tell them, or None.
    """
    if not actor.channel_id:
        return None
    team = repo.workspaces.team_by_channel(session, actor.workspace.id, actor.channel_id)
    member = actor.member
    if team is None or member.team_id is not None:
        return None
    inviter = repo.workspaces.member_by_slack_id(session, actor.workspace.id, invited_by) \
        if invited_by else None
    if inviter is None or not (inviter.role == Role.ADMIN or team in inviter.managed_teams):
        managers = ", ".join(f"@{m.name}" for m in team.managers) or t("an admin")
        return t("This is {team}'s channel. To join {team}, ask {managers} to add you: "
                 "`/sales team add @{name}`.", team=team.name, managers=managers,
                 name=member.name)
    member.team = team
    session.flush()
    return t("Welcome to {team}! You are now one of its reps. Log a visit with "
             '`/visit "Acme Corp" Met the CTO`, a deal with `/deal new`, and see '
             "`/sales help` for the rest.", team=team.name)
