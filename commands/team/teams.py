"""A team as the /sales commands find and show it: by name, by channel, or yours."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UsageError
from commands.core.i18n import normalize_lang, t
from commands.core.text import closest, name_key
from storage import repo
from storage.models import Team


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
