"""/sales: teams, roles and help."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.dates import zone
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import t
from commands.core.limits import check_length
from commands.core.text import closest, name_key, parse_words
from commands.team.holidays import (
    HolidayAdd,
    HolidayList,
    HolidayResult,
    parse_holiday,
    run_holiday,
)
from commands.team.lang import (
    LanguageResult,
    LanguageSet,
    LanguageShow,
    TeamLanguage,
    parse_lang,
    parse_language,
    run_language,
    sentences,
    set_team_language,
)
from commands.team.people import (
    MemberStart,
    RoleResult,
    SetRole,
    TeamAdd,
    TeamRemove,
    change_members,
    parse_member,
    parse_members,
    parse_role,
    set_role,
    start_member,
)
from commands.team.teams import TeamResult, find_team, team_view
from storage import repo
from storage.models import Role, Team


@dataclass(frozen=True)
class TeamCreate:
    name: str
    timezone: str | None
    language: str | None = None  # lang:zh; None: the workspace default


@dataclass(frozen=True)
class TeamShow:
    team: str | None = None


@dataclass(frozen=True)
class TeamChannel:
    """Bind the team to the channel the command is run in."""

    team: str | None = None


@dataclass(frozen=True)
class SalesHelp:
    topic: str | None = None


SalesArgs = (TeamCreate | TeamAdd | TeamRemove | TeamShow | TeamChannel | SetRole | SalesHelp
             | HolidayAdd | HolidayList | MemberStart | LanguageShow | LanguageSet
             | TeamLanguage)


def parse_sales(text: str) -> SalesArgs:
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "help"):
        return SalesHelp(rest.strip() or None)
    if verb in ("team", "teams"):
        return _parse_team(rest)
    if verb in ("lang", "language", "语言"):
        return parse_lang(rest)
    if verb == "role":
        return parse_role(rest)
    if verb == "holiday":
        return parse_holiday(rest)
    if verb == "member":
        return parse_member(rest)
    guess = closest(verb, ("team", "role", "help", "holiday", "member", "report",
                           "leaderboard", "digest", "action", "config", "warnings",
                           "export", "lang"))
    if guess:
        raise UsageError(t("`/sales {head}` is not a command. Did you mean `/sales {guess}`? "
                           "`/sales help` lists them all.", head=head, guess=guess))
    raise UsageError(t("`/sales {head}` is not a command. `/sales help` lists them all.",
                       head=head))


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
        return parse_members(verb, tail)
    raise UsageError(t(
        "`/sales team {head}` is not a command. Use `/sales team create`, `add`, `remove`, "
        "`channel`, or `/sales team` to show your team.", head=head))


@dataclass(frozen=True)
class HelpResult:
    topic: str | None


SalesResult = TeamResult | RoleResult | HolidayResult | HelpResult | LanguageResult


def run_sales(args: SalesArgs, *, session: Session, actor: Actor, now: datetime) -> SalesResult:
    if isinstance(args, SalesHelp):
        return HelpResult(args.topic)
    if isinstance(args, LanguageShow | LanguageSet):
        return run_language(args, actor)
    if isinstance(args, TeamLanguage):
        return set_team_language(args, session, actor)
    if isinstance(args, TeamCreate):
        return _create_team(args, session, actor, now)
    if isinstance(args, SetRole):
        return set_role(args, session, actor, now)
    if isinstance(args, HolidayAdd | HolidayList):
        return run_holiday(args, session, actor)
    if isinstance(args, MemberStart):
        return start_member(args, session, actor, now)
    if isinstance(args, TeamShow):
        team = find_team(session, actor, args.team)
        return TeamResult(team_view(team), message="")
    if isinstance(args, TeamChannel):
        return _bind_channel(args, session, actor)
    return change_members(args, session, actor, now)


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
        message = sentences(message, t("{name} is the workspace admin.", name=member.name))
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
