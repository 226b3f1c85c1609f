"""Warning states: what salesbot posted about a team's warnings, snoozes and acknowledgements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import WarningState


def states_of(session: Session, team_id: int) -> dict[str, WarningState]:
    """A team's warning states, by warning key."""
    return {s.key: s for s in session.scalars(
        select(WarningState).where(WarningState.team_id == team_id))}
