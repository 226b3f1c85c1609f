"""Who is asking: members, their registration on first use, and mentions of others."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from commands.core.dates import zone
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import t
from commands.core.text import Mention, closest, name_key
from storage import repo
from storage.models import Deal, Member, Role, Team, Workspace


@dataclass(frozen=True)
class Profile:
    """What the chat platform knows about a user."""

    name: str
    timezone: str | None
    locale: str | None = None  # Slack's locale for the user, like "zh-CN"


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
    locale: str = "en"  # SALESBOT_DEFAULT_LOCALE


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
    ws = repo.workspaces.get_workspace(session, slack_team_id)
    if ws is None:
        ws = repo.workspaces.create_workspace(
            session, slack_team_id, name=name or slack_team_id, currency=defaults.currency,
            timezone=defaults.timezone, now=now,
        )
    return ws


def ensure_member(
    session: Session, workspace: Workspace, user_id: str, directory: UserDirectory,
    now: datetime, fallback_name: str = "",
) -> Member:
    """The member for a chat user id, registering them as a rep on first sight."""
    member = repo.workspaces.member_by_slack_id(session, workspace.id, user_id)
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
        timezone=tz, slack_locale=profile.locale[:16] if profile and profile.locale else None,
        created_at=now,
    )
    return repo.claims.add_or_get(session, member,
                           lambda: repo.workspaces.member_by_slack_id(session, workspace.id,
                                                                      user_id))


class People:
    """People to match a typed name against: by Slack id, or by name ignoring case and
    spacing, with a "did you mean" when nobody matches. Built once, matched many times (the
    importer matches every row of a file against one)."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.members = list(members)
        self._by_key: dict[str, list[Member]] = {}
        self._by_id = {m.slack_user_id: m for m in self.members}
        for m in self.members:
            self._by_key.setdefault(name_key(m.name), []).append(m)

    def find(self, name: str, user_id: str | None = None) -> Member | None:
        """The one person called `name` (or with Slack id `user_id`); None when nobody is.

        Raises UsageError when several people share the name.
        """
        if user_id:
            return self._by_id.get(user_id)
        found = self._by_key.get(name_key(name), [])
        if len(found) > 1:
            raise UsageError(t("More than one person is called @{name}; mention them in Slack.",
                               name=name))
        return found[0] if found else self._by_id.get(name)

    def guess(self, name: str) -> str | None:
        """The name most like `name` (compared ignoring case), for a "did you mean"."""
        by_folded = {m.name.casefold(): m.name for m in self.members}
        found = closest(name.casefold(), by_folded) if name else None
        return by_folded[found] if found else None

    def hint(self, name: str) -> str:
        """" Did you mean @bob?" (with its leading space), or nothing without a guess."""
        guess = self.guess(name)
        return " " + t("Did you mean @{name}?", name=guess) if guess else ""


def resolve_person(
    session: Session, actor: Actor, mention: Mention, now: datetime, *,
    among: Sequence[Member] | None = None, where: str = "", register: bool = False,
) -> Member:
    """The member a command names, or a UsageError saying who was meant.

    The one way every command and option that takes a person finds them. `among` (with
    `where`, like "a rep of East", translated when it is a message marked with N_) is who
    the person must be; someone else is refused with
    a "did you mean" among them. Nobody is ever created, unless `register`: a command whose
    purpose is to add someone (`/sales team add`, `/sales role`) registers a Slack user
    salesbot has not met yet.
    """
    ws = actor.workspace
    member = None
    if mention.user_id:
        member = repo.workspaces.member_by_slack_id(session, ws.id, mention.user_id)
        if member is None and register:
            member = ensure_member(session, ws, mention.user_id, actor.directory, now,
                                   fallback_name=mention.name)
        elif (member is not None and member.name == mention.user_id and mention.name
              and mention.name != mention.user_id):
            member.name = mention.name  # known only by id until now: the best-known name
    else:
        named = repo.workspaces.members_named(session, ws.id, mention.name)
        if len(named) > 1 and among is not None:  # the one of them who fits
            fits = {m.id for m in among}
            named = [m for m in named if m.id in fits] or named
        if len(named) > 1:
            raise UsageError(t("More than one person is called @{name}; mention them in Slack.",
                               name=mention.name))
        member = named[0] if named else repo.workspaces.member_by_slack_id(session, ws.id,
                                                                           mention.name)
    everyone: People | None = None
    if member is None:  # not by exact name: ignoring spacing, then a guess
        everyone = People(repo.workspaces.workspace_members(session, ws.id))
        member = everyone.find(mention.name) if mention.name and not mention.user_id else None
    candidates = People(among) if among is not None else None
    if member is not None and (candidates is None or
                               candidates.find("", member.slack_user_id) is not None):
        return member
    pool = candidates if candidates is not None else (
        everyone or People(repo.workspaces.workspace_members(session, ws.id)))
    guess = pool.guess(mention.name or (member.name if member else ""))
    if member is not None:
        if guess:
            raise UsageError(t("{name} is not {where}. Did you mean @{guess}?",
                               name=member.name, where=t(where), guess=guess))
        raise UsageError(t("{name} is not {where}.", name=member.name, where=t(where)))
    if mention.user_id:
        if guess:
            raise UsageError(t("{who} has not used salesbot yet, so I don't know them. Did you "
                               "mean @{guess}? A manager adds people with `/sales team add`.",
                               who=mention.label, guess=guess))
        raise UsageError(t("{who} has not used salesbot yet, so I don't know them. A manager "
                           "adds people with `/sales team add`.", who=mention.label))
    if guess:
        raise UsageError(t("I don't know anyone called @{name}. Did you mean @{guess}?",
                           name=mention.name, guess=guess))
    raise UsageError(t("I don't know anyone called @{name}.", name=mention.name))


def resolve_mention(session: Session, actor: Actor, mention: Mention, now: datetime) -> Member:
    """The member a mention names (see `resolve_person`); nobody is created."""
    return resolve_person(session, actor, mention, now)


def can_edit_records_of(actor: Actor, owner: Member) -> bool:
    """Reps edit their own records (deals, follow-ups), managers their team's, admins any."""
    if actor.is_admin or owner.id == actor.member.id:
        return True
    return actor.manages(owner.team)


def can_edit_deal(actor: Actor, deal: Deal) -> bool:
    """Reps edit their own deals, managers their team's, admins any."""
    return can_edit_records_of(actor, deal.owner)


def require_deal_edit(actor: Actor, deal: Deal) -> None:
    if not can_edit_deal(actor, deal):
        raise PermissionDenied(t(
            "{ref} belongs to {owner}. Only they, their manager or an admin can change it.",
            ref=deal.ref, owner=deal.owner.name))


def require_admin(actor: Actor, what: str) -> None:
    """Refuse unless the actor is an admin; `what` ("change roles") is translated when it
    is a message marked with N_."""
    if not actor.is_admin:
        raise PermissionDenied(t("Only an admin can {what}.", what=t(what)))
