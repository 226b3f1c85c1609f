"""Action items a team agreed on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ActionItem


def action_item(session: Session, workspace_id: int, item_id: int) -> ActionItem | None:
    return session.scalar(
        select(ActionItem).where(ActionItem.workspace_id == workspace_id,
                                 ActionItem.id == item_id)
    )


def action_items(
    session: Session, team_id: int, *, owner_id: int | None = None,
    done_since: datetime | None = None,
) -> Sequence[ActionItem]:
    """A team's open action items (and those done since `done_since`), due first."""
    stmt = select(ActionItem).where(ActionItem.team_id == team_id)
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if done_since is None:
        stmt = stmt.where(ActionItem.done_at.is_(None))
    else:
        stmt = stmt.where(ActionItem.done_at.is_(None) | (ActionItem.done_at >= done_since))
    return session.scalars(
        stmt.order_by(ActionItem.done_at.is_not(None), ActionItem.due_on.is_(None),
                      ActionItem.due_on, ActionItem.id)
    ).all()
