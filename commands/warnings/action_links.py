"""Action items linked to a warning: link one when it is made, and measure its metric now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.core.limits import LIMITS
from commands.team.config import rule_config
from commands.warnings.checks import team_inputs
from commands.warnings.deviations import Deviation
from commands.warnings.review import LinkedMetric, Movement, link_for, measure, movement
from commands.warnings.rules import DeviationInputs, evaluate_all
from commands.warnings.warnings import about, parse_warning_value
from storage import repo
from storage.models import ActionItem, Member, Team, Workspace


def team_now(session: Session, ws: Workspace, team: Team,
             now: datetime) -> tuple[DeviationInputs, list[Deviation]]:
    """What the team's warnings read at `now`, and those firing."""
    config = rule_config(repo.workspaces.team_settings(session, team.id))
    inputs = team_inputs(session, ws, team, now, config)
    return inputs, evaluate_all(inputs)


def link_warning(session: Session, ws: Workspace, team: Team, key: str,
                 now: datetime) -> LinkedMetric:
    """The link of an action item made about warning `key` (rule:subject), firing now."""
    inputs, firing = team_now(session, ws, team, now)
    found = next((d for d in firing if d.key == key), None)
    if found is None:
        raise UsageError(t("No warning `{key}` is firing in {team} now; `/sales warnings` lists "
                           "those that are.", key=key, team=team.name))
    return link_for(found, inputs, firing)


def apply_link(item: ActionItem, link: LinkedMetric) -> None:
    item.link_rule, item.link_subject, item.link_metric = link.rule, link.subject, link.metric
    item.link_label, item.link_value = link.label, str(link.value)


def movements(session: Session, ws: Workspace, team: Team, items: Sequence[ActionItem],
              now: datetime,
              measured: tuple[DeviationInputs, list[Deviation]] | None = None,
              ) -> dict[int, Movement]:
    """Each linked item's metric then and now, by item id (the team is read once)."""
    linked = [i for i in items if i.link_metric and i.link_value is not None]
    if not linked:
        return {}
    inputs, firing = measured or team_now(session, ws, team, now)
    out = {}
    for item in linked:
        assert item.link_metric is not None and item.link_value is not None
        out[item.id] = movement(item.link_label or item.link_metric, item.link_metric,
                                item.link_value, measure(item.link_metric, inputs, firing))
    return out


@dataclass(frozen=True)
class ActionDraft:
    """What the **Create action** form starts with, from a warning firing now: the person
    it is about as the owner, its suggested fix as the text, and the metric it will be
    judged by. The form's submission is `ActionAdd(owner, text, due, warning=key)`."""

    team_id: int
    key: str
    text: str
    owner_user_id: str | None
    metric_label: str
    value: Decimal


def action_draft(session: Session, actor: Actor, value: str, now: datetime) -> ActionDraft:
    """The draft of an action item on the warning a button names (`team_id:key`)."""
    team_id, key = parse_warning_value(value)
    team = session.get(Team, team_id)
    if team is None or team.workspace_id != actor.workspace.id:
        raise UsageError(t("That warning's team no longer exists."))
    inputs, firing = team_now(session, actor.workspace, team, now)
    found = next((d for d in firing if d.key == key), None)
    if found is None:
        raise UsageError(t("That warning is not firing any more: nothing to act on."))
    link = link_for(found, inputs, firing)
    owner_id = about(session, team, key)
    owner = session.get(Member, owner_id) if owner_id is not None else None
    return ActionDraft(team.id, key, found.fix[:LIMITS["action item"]],
                       owner.slack_user_id if owner else None, link.label, link.value)
