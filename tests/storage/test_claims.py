"""The request claim and the caller lookup every slash command starts with (SQLite and
PostgreSQL; on PostgreSQL they are one statement)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from commands.core.actors import NoDirectory, WorkspaceDefaults, ensure_member, ensure_workspace
from storage.models import ProcessedRequest
from storage.repo.workspaces import claim_and_find_member

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_a_new_key_is_claimed_once_and_the_known_caller_comes_back(
        session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        ws = ensure_workspace(session, "T1", WorkspaceDefaults(), NOW)
        ensure_member(session, ws, "U1", NoDirectory(), NOW, fallback_name="ana")

    with session_factory.begin() as session:
        claimed, known = claim_and_find_member(session, "trigger:1", NOW, "T1", "U1")
        assert claimed
        assert known is not None
        assert (known[0].slack_team_id, known[1].slack_user_id, known[1].name) == \
            ("T1", "U1", "ana")

    with session_factory.begin() as session:  # the same delivery again
        claimed, _ = claim_and_find_member(session, "trigger:1", NOW, "T1", "U1")
        assert not claimed
        assert session.scalar(select(func.count()).select_from(ProcessedRequest)) == 1


def test_an_unknown_caller_still_claims_the_key(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        ws = ensure_workspace(session, "T1", WorkspaceDefaults(), NOW)
        ensure_member(session, ws, "U1", NoDirectory(), NOW, fallback_name="ana")

    with session_factory.begin() as session:  # a known workspace, a user never seen
        assert claim_and_find_member(session, "trigger:2", NOW, "T1", "U2") == (True, None)
    with session_factory.begin() as session:  # a workspace never seen
        assert claim_and_find_member(session, "trigger:3", NOW, "T9", "U1") == (True, None)
    with session_factory.begin() as session:
        assert claim_and_find_member(session, "trigger:3", NOW, "T9", "U1") == (False, None)


def test_a_claim_rolled_back_with_its_command_can_be_claimed_again(
        session_factory: sessionmaker[Session]) -> None:
    session = session_factory()
    with session.begin():
        assert claim_and_find_member(session, "trigger:4", NOW, "T1", "U1")[0]
        session.rollback()
    with session_factory.begin() as session:
        assert claim_and_find_member(session, "trigger:4", NOW, "T1", "U1")[0]
