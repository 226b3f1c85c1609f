"""Who may read what: the one read policy every command, button, the Home tab, the export
and the digest go through (the README's "Who can see what" says the same in a table).

- An admin reads everything in the workspace.
- A manager reads the teams they manage: each member's own figures, deals and plan, and
  the team's aggregates.
- A rep reads their own work, and their team's aggregates: report, leaderboard, pipeline,
  plan, targets, stand-up, warnings and action items. Teammates' deal cards too, unless the
  team set `/sales config deal_cards:own`.
- Nobody reads another team, or another team's people, or their deals.

Who is on a team, its managers, holidays and settings are not sales figures: everyone in
the workspace may look them up (`/sales team`, `/sales holiday`, `/sales config`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import PermissionDenied
from commands.core.i18n import t
from storage import repo
from storage.models import Deal, Member, Role, Team

DEAL_CARDS = ("team", "own")
# Reps see their teammates' deal cards by default: a team works its deals together (joint
# visits, hand-overs, the stand-up and the team channel's warnings already name them).
DEFAULT_DEAL_CARDS = "team"


def _is_admin(reader: Member) -> bool:
    return reader.role == Role.ADMIN


def _manages(reader: Member, team: Team | None) -> bool:
    return team is not None and team in reader.managed_teams


def can_read_team(reader: Member, team: Team) -> bool:
    """A team's aggregates: its members, its managers and admins."""
    return _is_admin(reader) or _manages(reader, team) or reader.team_id == team.id


def can_read_person(reader: Member, person: Member) -> bool:
    """One person's own figures, plan, targets and deal list: they, their manager, admins."""
    return _is_admin(reader) or reader.id == person.id or _manages(reader, person.team)


def can_read_deal(reader: Member, deal: Deal, deal_cards: str = DEFAULT_DEAL_CARDS) -> bool:
    """A deal card (history, activity, notes): whoever may read its owner, and with
    `deal_cards:team` the owner's teammates."""
    if can_read_person(reader, deal.owner):
        return True
    team = deal.owner.team
    return deal_cards == "team" and team is not None and reader.team_id == team.id


def can_read_digest(reader: Member, team: Team) -> bool:
    """The weekly review digest: the team's managers and admins."""
    return _is_admin(reader) or _manages(reader, team)


def deal_cards_of(session: Session, team: Team | None) -> str:
    """The team's `deal_cards` setting (the default when it set none)."""
    settings = repo.workspaces.team_settings(session, team.id) if team is not None else None
    return settings.deal_cards if settings is not None else DEFAULT_DEAL_CARDS


def deal_owners_named(session: Session, reader: Member, team: Team,
                      ids: list[int]) -> list[int]:
    """Of `ids` (people of `team`), those whose deals a team view (the biggest moves, the
    stale deals, the deals closing this month) may name to `reader`: the team's totals
    count everyone's, but with `deal_cards:own` a rep sees only their own deals listed."""
    if _is_admin(reader) or _manages(reader, team) or deal_cards_of(session, team) == "team":
        return ids
    return [i for i in ids if i == reader.id]


def readable_member_ids(reader: Member) -> list[int] | None:
    """The people whose records `reader` may export (None: everyone in the workspace)."""
    if _is_admin(reader):
        return None
    ids = {m.id for team in reader.managed_teams for m in team.members} | {reader.id}
    return sorted(ids)


def customer_people(reader: Member) -> list[int] | None:
    """The people whose customers the visit form suggests to `reader` (None: everyone's):
    their team's and the teams they manage, as they read those teams' figures."""
    if _is_admin(reader):
        return None
    teams = [*reader.managed_teams, *([reader.team] if reader.team is not None else [])]
    return sorted({m.id for team in teams for m in team.members} | {reader.id})


def require_read_team(actor: Actor, team: Team, what: str) -> None:
    """Refuse unless the actor may read the team's `what` (e.g. "leaderboard"; translated
    when it is a message marked with N_)."""
    if not can_read_team(actor.member, team):
        raise PermissionDenied(t("Only members and managers of {team}, and admins, can see "
                                 "its {what}.", team=team.name, what=t(what)))


def require_read_person(actor: Actor, person: Member, what: str, *,
                        team_hint: str | None = None) -> None:
    """Refuse unless the actor may read the person's `what` (e.g. "plan"); a teammate is
    pointed to the team's figures (`team_hint`, the command that shows them)."""
    if can_read_person(actor.member, person):
        return
    if team_hint and person.team is not None and actor.member.team_id == person.team_id:
        raise PermissionDenied(t("Only {name}, their manager or an admin can see {name}'s "
                                 "{what}. `{command}` shows {team}'s.", name=person.name,
                                 what=t(what), command=team_hint, team=person.team.name))
    raise PermissionDenied(t("Only {name}, their manager or an admin can see {name}'s {what}.",
                             name=person.name, what=t(what)))


def require_read_deal(session: Session, actor: Actor, deal: Deal) -> None:
    """Refuse unless the actor may read the deal's card."""
    team = deal.owner.team
    setting = deal_cards_of(session, team)
    if can_read_deal(actor.member, deal, setting):
        return
    if team is not None and actor.member.team_id == team.id:
        raise PermissionDenied(t("{ref} is {owner}'s deal: only they, their manager or an admin "
                                 "can see it. In {team} reps see only their own deal cards "
                                 "(`deal_cards:own`).", ref=deal.ref, owner=deal.owner.name,
                                 team=team.name))
    raise PermissionDenied(t("{ref} is {owner}'s deal: only they, their manager or an admin "
                             "can see it.", ref=deal.ref, owner=deal.owner.name))
