"""/sales role, /sales member and who is on a team: its members and managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commands.core.actors import Actor, resolve_person
from commands.core.dates import parse_calendar_day
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import N_, t, tn
from commands.core.text import Mention, as_mention, choice, parse_words
from commands.team.lang import sentences
from commands.team.teams import TeamResult, find_team, team_view
from storage import repo
from storage.models import Member, Role, Team

ROLES = tuple(r.value for r in Role)


@dataclass(frozen=True)
class TeamAdd:
    people: tuple[Mention, ...]
    team: str | None = None


@dataclass(frozen=True)
class TeamRemove:
    people: tuple[Mention, ...]
    team: str | None = None


@dataclass(frozen=True)
class MemberStart:
    person: Mention
    started_on: date


@dataclass(frozen=True)
class SetRole:
    person: Mention
    role: Role
    team: str | None = None  # with manager: the team they manage


def parse_role(rest: str) -> SetRole:
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


def parse_member(rest: str) -> MemberStart:
    words = parse_words(rest, ("start",))
    person = as_mention(words.positionals[0]) if len(words.positionals) == 1 else None
    if person is None or not words.options.get("start"):
        raise UsageError(t("Use `/sales member @dan start:2026-10-01` (the rep's first "
                           "day)."))
    return MemberStart(person, parse_calendar_day(words.options["start"], "start"))


def parse_members(verb: str, tail: str) -> TeamAdd | TeamRemove:
    """`/sales team add|remove @alice @bob [team:"East"]`."""
    words = parse_words(tail, ("team",))
    people = tuple(as_mention(w) for w in words.positionals)
    if not people or any(p is None for p in people):
        bad = [w for w in words.positionals if as_mention(w) is None]
        raise UsageError(_mention_them(verb, bad[0] if bad else None))
    cls = TeamAdd if verb == "add" else TeamRemove
    return cls(tuple(p for p in people if p is not None), words.options.get("team"))


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


@dataclass(frozen=True)
class RoleResult:
    name: str
    role: Role
    message: str


def start_member(args: MemberStart, session: Session, actor: Actor,
                 now: datetime) -> RoleResult:
    """Record a rep's first day: team targets ramp their share up from it."""
    person = resolve_person(session, actor, args.person, now)
    if not (actor.is_admin or actor.manages(person.team)):
        raise PermissionDenied(t("Only {name}'s manager or an admin can set this.",
                                 name=person.name))
    person.started_on = args.started_on
    return RoleResult(person.name, person.role, t(
        "{name} started on {day}: team targets give them a ramped share ({first} in the "
        "first month, {second} in the second).", name=person.name,
        day=args.started_on.isoformat(), first="50%", second="75%"))


def change_members(args: TeamAdd | TeamRemove, session: Session, actor: Actor,
                   now: datetime) -> TeamResult:
    """Add people to a team, or take them out of it."""
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


def set_role(args: SetRole, session: Session, actor: Actor, now: datetime) -> RoleResult:
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
    return RoleResult(person.name, args.role, sentences(*messages))


# what `/sales role` says: (the person already had the role, the role) -> the sentence
ROLE_IS = {
    (False, "rep"): N_("{name} is now a rep."),
    (False, "manager"): N_("{name} is now a manager."),
    (False, "admin"): N_("{name} is now an admin."),
    (True, "rep"): N_("{name} is already a rep."),
    (True, "manager"): N_("{name} is already a manager."),
    (True, "admin"): N_("{name} is already an admin."),
}


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
