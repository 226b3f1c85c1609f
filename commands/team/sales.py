"""/sales: teams, roles and help."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commands.core.actors import Actor, require_admin, resolve_person
from commands.core.dates import parse_calendar_day, zone
from commands.core.errors import PermissionDenied, UsageError
from commands.core.limits import check_length
from commands.core.text import Mention, as_mention, choice, closest, name_key, parse_words
from storage import repo
from storage.models import Holiday, Member, Role, Team

ROLES = tuple(r.value for r in Role)


@dataclass(frozen=True)
class TeamCreate:
    name: str
    timezone: str | None


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


SalesArgs = (TeamCreate | TeamAdd | TeamRemove | TeamShow | TeamChannel | SetRole | SalesHelp
             | HolidayAdd | HolidayList | MemberStart)


def parse_sales(text: str) -> SalesArgs:
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "help"):
        return SalesHelp(rest.strip() or None)
    if verb in ("team", "teams"):
        return _parse_team(rest)
    if verb == "role":
        words = parse_words(rest, ("team",))
        people = [as_mention(w) for w in words.positionals]
        if len(words.positionals) != 2 or people[0] is None:
            raise UsageError("Use `/sales role @carol manager` (roles: rep, manager, admin), "
                             'or `/sales role @carol manager team:"East"`.')
        role = Role(choice(words.positionals[1], ROLES, "role"))
        team = words.options.get("team") or None
        if team is not None and role != Role.MANAGER:
            raise UsageError('`team:` goes with `manager`: `/sales role @carol manager '
                             'team:"East"` makes carol a manager of East.')
        return SetRole(people[0], role, team)
    if verb == "holiday":
        return _parse_holiday(rest)
    if verb == "member":
        words = parse_words(rest, ("start",))
        person = as_mention(words.positionals[0]) if len(words.positionals) == 1 else None
        if person is None or not words.options.get("start"):
            raise UsageError("Use `/sales member @dan start:2026-10-01` (the rep's first day).")
        return MemberStart(person, _iso_day(words.options["start"], "start"))
    guess = closest(verb, ("team", "role", "help", "holiday", "member", "report",
                           "leaderboard", "digest", "action", "config", "warnings",
                           "export"))
    hint = f" Did you mean `/sales {guess}`?" if guess else ""
    raise UsageError(f"`/sales {head}` is not a command.{hint} `/sales help` lists them all.")


def _iso_day(text: str, option: str) -> date:
    return parse_calendar_day(text, option)


def _parse_holiday(rest: str) -> SalesArgs:
    words = parse_words(rest, ("team",))
    pos, team = words.positionals, words.options.get("team") or None
    if not pos or pos[0].lower() in ("list", "ls"):
        return HolidayList(team)
    if pos[0].lower() != "add" or len(pos) < 2:
        raise UsageError('Use `/sales holiday add 2026-12-25 "Christmas"` or `/sales holiday`.')
    return HolidayAdd(_iso_day(pos[1], "holiday"),
                      check_length(" ".join(pos[2:]), "holiday name"), team)


def _parse_team(rest: str) -> SalesArgs:
    head, _, tail = rest.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "show"):
        words = parse_words(tail, ("team",))
        name = words.options.get("team") or " ".join(words.positionals) or None
        return TeamShow(name)
    if verb == "create":
        words = parse_words(tail, ("tz",))
        if not words.positionals:
            raise UsageError('Name the team, like `/sales team create "East" tz:Asia/Shanghai`.')
        name = check_length(" ".join(words.positionals), "team name")
        tz = words.options.get("tz")
        if tz is not None:
            zone(tz)
        return TeamCreate(name, tz)
    if verb == "channel":
        words = parse_words(tail, ("team",))
        return TeamChannel(words.options.get("team") or " ".join(words.positionals) or None)
    if verb in ("add", "remove"):
        words = parse_words(tail, ("team",))
        people = tuple(as_mention(w) for w in words.positionals)
        if not people or any(p is None for p in people):
            bad = [w for w in words.positionals if as_mention(w) is None]
            what = f" (`{bad[0]}` is not a mention)" if bad else ""
            raise UsageError(f"Mention the people to {verb}, like `/sales team {verb} @alice @bob`"
                             f"{what}.")
        cls = TeamAdd if verb == "add" else TeamRemove
        return cls(tuple(p for p in people if p is not None), words.options.get("team"))
    raise UsageError(
        f"`/sales team {head}` is not a command. Use `/sales team create`, `add`, `remove`, "
        "`channel`, or `/sales team` to show your team."
    )


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


SalesResult = TeamResult | RoleResult | HolidayResult | HelpResult


def run_sales(args: SalesArgs, *, session: Session, actor: Actor, now: datetime) -> SalesResult:
    if isinstance(args, SalesHelp):
        return HelpResult(args.topic)
    if isinstance(args, TeamCreate):
        return _create_team(args, session, actor, now)
    if isinstance(args, SetRole):
        return _set_role(args, session, actor, now)
    if isinstance(args, HolidayAdd | HolidayList):
        return _holiday(args, session, actor)
    if isinstance(args, MemberStart):
        person = resolve_person(session, actor, args.person, now)
        if not (actor.is_admin or actor.manages(person.team)):
            raise PermissionDenied(f"Only {person.name}'s manager or an admin can set this.")
        person.started_on = args.started_on
        return RoleResult(person.name, person.role,
                          f"{person.name} started on {args.started_on.isoformat()}: team targets"
                          " give them a ramped share (50% in the first month, 75% in the "
                          "second).")
    if isinstance(args, TeamShow):
        team = find_team(session, actor, args.team)
        return TeamResult(team_view(team), message="")
    if isinstance(args, TeamChannel):
        return _bind_channel(args, session, actor)
    team = find_team(session, actor, args.team)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(f"Only a manager of {team.name} or an admin can change its members.")
    lines = []
    for mention in args.people:
        if isinstance(args, TeamAdd):
            person = resolve_person(session, actor, mention, now, register=True)
            lines.append(_add(team, person, actor))
        else:
            person = resolve_person(session, actor, mention, now,
                                    among=[*team.members, *team.managers],
                                    where=f"in {team.name}")
            lines.append(_remove(team, person))
        session.flush()
    session.refresh(team)
    return TeamResult(team_view(team), message="\n".join(lines))


def _add(team: Team, person: Member, actor: Actor) -> str:
    """Add someone to the team, moving them from their old team if they have one.

    A manager (by role) who manages no team becomes this team's manager: making someone a
    manager works whether `/sales role` or `/sales team add` comes first.
    """
    manages = person.role == Role.MANAGER and not [t for t in person.managed_teams
                                                   if t is not person.team]
    as_manager = " as a manager" if manages and team not in person.managed_teams else ""
    if person.team_id == team.id:
        if not as_manager:
            return f"{person.name} is already in {team.name}."
        person.managed_teams.append(team)
        return f"{person.name} now manages {team.name}."
    old = person.team
    if old is not None:
        if not (actor.is_admin or (actor.manages(old) and actor.manages(team))):
            raise PermissionDenied(
                f"{person.name} is in {old.name}. Only an admin or a manager of both "
                f"{old.name} and {team.name} can move them.")
        _keep_a_manager(old, person, f"moving {person.name} to {team.name}")
        if old in person.managed_teams:
            person.managed_teams.remove(old)
    person.team = team
    if as_manager:
        person.managed_teams.append(team)
    if old is not None:
        return f"Moved {person.name} from {old.name} to {team.name}{as_manager}."
    return f"Added {person.name} to {team.name}{as_manager}."


def _keep_a_manager(team: Team, person: Member, doing: str) -> None:
    """Refuse what would leave `team` without a manager: its last one is `person`."""
    if [m.id for m in team.managers] == [person.id]:
        raise UsageError(
            f"{person.name} is the only manager of {team.name}: {doing} would leave it with "
            f"none. Make someone else its manager first (`/sales role @name manager "
            f'team:"{team.name}"`).')


def _remove(team: Team, person: Member) -> str:
    """Take someone out of the team: its member and its manager both, never its last manager.

    A manager of the team who is a member of another team only stops managing this one.
    """
    if team in person.managed_teams:
        _keep_a_manager(team, person, f"removing {person.name}")
        person.managed_teams.remove(team)
    if person.team_id == team.id:
        person.team = None
    return f"Removed {person.name} from {team.name}."


def _holiday(args: HolidayAdd | HolidayList, session: Session, actor: Actor) -> HolidayResult:
    team = find_team(session, actor, args.team)
    if isinstance(args, HolidayAdd):
        if not (actor.is_admin or actor.manages(team)):
            raise PermissionDenied(f"Only a manager of {team.name} or an admin can add holidays.")
        known = repo.targets.holidays(session, team.id)
        if args.day in known:
            raise UsageError(f"{args.day.isoformat()} is already a holiday for {team.name}.")
        session.add(Holiday(team_id=team.id, day=args.day, name=args.name))
        session.flush()
        return HolidayResult(team.name, tuple(sorted({*known, args.day})),
                             f"{args.day:%a %d %b %Y} ({args.name or 'holiday'}) is now a day "
                             f"off for {team.name}: no working-day targets and no prompts.")
    days = tuple(sorted(repo.targets.holidays(session, team.id)))
    listing = ", ".join(d.isoformat() for d in days) or "none yet"
    return HolidayResult(team.name, days, f"Holidays of {team.name}: {listing}")


def find_team(session: Session, actor: Actor, name: str | None) -> Team:
    ws = actor.workspace
    if name:
        team = repo.workspaces.team_by_key(session, ws.id, name_key(name))
        if team is None:
            guess = closest(name, repo.workspaces.team_names(session, ws.id))
            hint = f' Did you mean "{guess}"?' if guess else ""
            raise UsageError(f'There is no team called "{name}".{hint}')
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
        raise UsageError(
            "There are no teams yet. In your team's channel, run "
            '`/sales team create "East" tz:Asia/Shanghai`.'
        )
    raise UsageError('Which team? Run this in the team\'s channel, or add team:"East".')


def _create_team(args: TeamCreate, session: Session, actor: Actor, now: datetime) -> TeamResult:
    ws = actor.workspace
    member = actor.member
    channel = actor.channel_id
    if not channel or channel.startswith("D"):
        raise UsageError(
            "Run `/sales team create` in the team's channel: the team is bound to the channel "
            "where it is created."
        )
    first = repo.workspaces.count_teams(session, ws.id) == 0
    if not first and member.role == Role.REP:
        raise PermissionDenied("Only a manager or an admin can create another team.")
    key = name_key(args.name)
    if repo.workspaces.team_by_key(session, ws.id, key) is not None:
        raise UsageError(f'There is already a team called "{args.name}".')
    bound = repo.workspaces.team_by_channel(session, ws.id, channel)
    if bound is not None:
        raise UsageError(f"This channel already belongs to {bound.name}.")
    team = Team(
        workspace_id=ws.id, name=args.name, name_key=key, slack_channel_id=channel,
        timezone=args.timezone or member.timezone or ws.default_timezone, created_at=now,
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
    message = f"Created team {team.name} in this channel, timezone {team.timezone}, " \
              f"managed by {member.name}."
    if became_admin:
        message += f" {member.name} is the workspace admin."
    return TeamResult(team_view(team), message=message, became_admin=became_admin,
                      in_channel=True)


def _bind_channel(args: TeamChannel, session: Session, actor: Actor) -> TeamResult:
    """Move a team's posts (stand-up summary, warnings) to the channel this is run in."""
    channel = actor.channel_id
    if not channel or channel.startswith("D"):
        raise UsageError('Run `/sales team channel team:"East"` in the channel the team '
                         "should use.")
    bound = repo.workspaces.team_by_channel(session, actor.workspace.id, channel)
    team = bound if args.team is None and bound is not None \
        else find_team(session, actor, args.team)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(f"Only a manager of {team.name} or an admin can move its "
                               "channel.")
    if bound is not None and bound.id != team.id:
        raise UsageError(f"This channel already belongs to {bound.name}.")
    if team.slack_channel_id == channel:
        return TeamResult(team_view(team), message=f"{team.name} already uses this channel.")
    team.slack_channel_id = channel
    session.flush()
    return TeamResult(team_view(team), message=(
        f"{team.name} now uses this channel: its stand-up summary and warnings are posted "
        "here. Invite salesbot to it (`/invite @salesbot`) if it is not a member yet."),
        in_channel=True)


def _set_role(args: SetRole, session: Session, actor: Actor, now: datetime) -> RoleResult:
    require_admin(actor, "change roles")
    team = find_team(session, actor, args.team) if args.team else None
    person = resolve_person(session, actor, args.person, now, register=True)
    if person.role == Role.ADMIN and args.role != Role.ADMIN \
            and repo.workspaces.count_admins(session, actor.workspace.id) == 1:
        raise UsageError(f"{person.name} is the only admin; make someone else admin first.")
    article = "an" if args.role == Role.ADMIN else "a"
    message = (f"{person.name} is {'already' if person.role == args.role else 'now'} "
               f"{article} {args.role.value}.")
    person.role = args.role
    if args.role == Role.MANAGER:
        team = team or person.team
        if team is None:
            message += (f" Add them to a team with `/sales team add @{person.name}` (in the "
                        'team\'s channel), or give `team:"East"`, to make them its manager.')
        elif team in person.managed_teams:
            message += f" They manage {team.name}."
        else:
            person.managed_teams.append(team)
            if person.team is None:
                person.team = team
            message += f" They manage {team.name}."
    if args.role == Role.REP:
        left = [t.name for t in person.managed_teams if len(t.managers) == 1]
        person.managed_teams.clear()
        if left:
            message += (f" {', '.join(left)} {'has' if len(left) == 1 else 'have'} no manager "
                        f"now: only admins can change {'it' if len(left) == 1 else 'them'} until "
                        "someone is made a manager (`/sales role @name manager`).")
    session.flush()
    return RoleResult(person.name, args.role, message)


def team_view(team: Team) -> TeamView:
    managers = tuple(
        PersonLine(m.name, m.slack_user_id, m.role.value, True) for m in team.managers
    )
    manager_ids = {m.id for m in team.managers}
    members = tuple(
        PersonLine(m.name, m.slack_user_id, m.role.value, m.id in manager_ids)
        for m in team.members
    )
    return TeamView(team.name, team.slack_channel_id, team.timezone, managers, members)


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
        managers = ", ".join(f"@{m.name}" for m in team.managers) or "an admin"
        return (f"This is {team.name}'s channel. To join {team.name}, ask {managers} to add "
                f"you: `/sales team add @{member.name}`.")
    member.team = team
    session.flush()
    return (f"Welcome to {team.name}! You are now one of its reps. Log a visit with "
            '`/visit "Acme Corp" Met the CTO`, a deal with `/deal new`, and see '
            "`/sales help` for the rest.")
