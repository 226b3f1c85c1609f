"""Shared by tests of more than one layer (plain helpers; the fixtures are in conftest.py)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Team
from tests.conftest import Chat


def team_id(chat: Chat) -> int:
    """The id of the one team the chat's workspace has."""
    with chat.deps.session_factory() as session:
        found = session.scalar(select(Team.id))
        assert found is not None
        return found
