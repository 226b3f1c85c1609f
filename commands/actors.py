"""Who is asking: members, their registration on first use, and mentions of others."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from commands.dates import zone
from commands.errors import PermissionDenied, UsageError
from commands.text import Mention, closest
from storage import repo
from storage.models import Deal, Member, Role, Team, Workspace


@dataclass(frozen=True)
class Profile:
    """What the chat platform knows about a user."""

    name: str
    timezone: str | None


class UserDirectory(Protocol):
    """Looks up people the bot has not met yet (Slack's users.info, or nothing offline)."""

    def lookup(self, user_id: str) -> Profile | None: ...


class NoDirectory:
    """A directory that knows nobody: the console and tests without a chat platform."""

    def lookup(self, user_id: str) -> Profile | None:
        return None


@dataclass(frozen=True)
class WorkspaceDefaults:
    currency: str = "USD"
    timezone: str = "UTC"


@dataclass
class Actor:
    """The member running a command, where they ran it, and how to look up others."""

    member: Member
    workspace: Workspace
    channel_id: str | None = None
    directory: UserDirectory = field(default_factory=NoDirectory)

    @property
    def is_admin(self) -> bool:
        return self.member.role == Role.ADMIN

    def manages(self, team: Team | None) -> bool:
        return team is not None and team in self.member.managed_teams


def ensure_workspace(
    session: Session, slack_team_id: str, defaults: WorkspaceDefaults, now: datetime,
    name: str = "",
) -> Workspace:
    ws = repo.get_workspace(session, slack_team_id)
    if ws is None:
        ws = repo.create_workspace(
            session, slack_team_id, name=name or slack_team_id, currency=defaults.currency,
            timezone=defaults.timezone, now=now,
        )
    return ws


def ensure_member(
    session: Session, workspace: Workspace, user_id: str, directory: UserDirectory,
    now: datetime, fallback_name: str = "",
) -> Member:
    """The member for a chat user id, registering them as a rep on first sight."""
    member = repo.member_by_slack_id(session, workspace.id, user_id)
    if member is not None:
        if member.name == user_id and fallback_name and fallback_name != user_id:
            member.name = fallback_name  # known only by id until now: the best-known name
        return member
    profile = directory.lookup(user_id)
    tz = workspace.default_timezone
    if profile and profile.timezone:
        try:
            zone(profile.timezone)
            tz = profile.timezone
        except UsageError:
            pass
    name = (profile.name if profile else "") or fallback_name or user_id
    member = Member(
        workspace_id=workspace.id, slack_user_id=user_id, name=name, role=Role.REP,
        timezone=tz, created_at=now,
    )
    return repo.add_or_get(session, member,
                           lambda: repo.member_by_slack_id(session, workspace.id, user_id))


def resolve_mention(session: Session, actor: Actor, mention: Mention, now: datetime) -> Member:
    """The member a mention names; a Slack mention of someone new registers them."""
    ws = actor.workspace
    if mention.user_id:
        return ensure_member(
            session, ws, mention.user_id, actor.directory, now, fallback_name=mention.name
        )
    found = repo.members_named(session, ws.id, mention.name)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise UsageError(f"More than one person is called @{mention.name}; mention them in Slack.")
    by_id = repo.member_by_slack_id(session, ws.id, mention.name)
    if by_id is not None:
        return by_id
    guess = closest(mention.name, repo.member_names(session, ws.id))
    hint = f" Did you mean @{guess}?" if guess else ""
    raise UsageError(f"I don't know anyone called @{mention.name}.{hint}")


def can_edit_deal(actor: Actor, deal: Deal) -> bool:
    """Reps edit their own deals, managers their team's, admins any."""
    if actor.is_admin or deal.owner_id == actor.member.id:
        return True
    return actor.manages(deal.owner.team)


def require_deal_edit(actor: Actor, deal: Deal) -> None:
    if not can_edit_deal(actor, deal):
        raise PermissionDenied(
            f"{deal.ref} belongs to {deal.owner.name}. Only they, their manager or an admin "
            "can change it."
        )


def require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"Only an admin can {what}.")
