"""Slack installations, as the install flow stored them (storage.installations)."""

from __future__ import annotations

from sqlalchemy import delete, desc, select
from sqlalchemy.orm import Session

from storage.installations import slack_bots, slack_installations


def bot_enterprise(session: Session, client_id: str, team_id: str) -> tuple[bool, str | None]:
    """Whether app `client_id` has a bot token in workspace `team_id`, and the Enterprise
    Grid org that workspace belongs to (None outside a Grid)."""
    row = session.execute(
        select(slack_bots.c.enterprise_id)
        .where(slack_bots.c.client_id == client_id, slack_bots.c.team_id == team_id,
               slack_bots.c.bot_token.is_not(None))
        .order_by(desc(slack_bots.c.installed_at)).limit(1)
    ).first()
    return (False, None) if row is None else (True, row[0])


def delete_team(session: Session, team_id: str) -> int:
    """Forget every installation and bot token of workspace `team_id`; how many rows."""
    gone = 0
    for table in (slack_bots, slack_installations):
        result = session.execute(delete(table).where(table.c.team_id == team_id))
        gone += result.rowcount or 0  # type: ignore[attr-defined]
    return gone
