"""Two requests creating the same member, customer or workspace at once: one row, no error.

On PostgreSQL the second INSERT waits on the first transaction's unique key; when that
commits, the loser must fall back to the winner's row instead of failing the command.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from commands.core.actors import NoDirectory, WorkspaceDefaults, ensure_member, ensure_workspace
from commands.deals.customers import find_or_create_customer
from storage.models import Customer, Member, Workspace
from tests.conftest import PG_URL

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DEFAULTS = WorkspaceDefaults(currency="USD", timezone="UTC")


def _race(factory: sessionmaker[Session], create: Callable[[Session], object]) -> None:
    """Run `create` in two transactions; the second starts its INSERT before the first commits."""
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with factory.begin() as session:
                create(session)
        except BaseException as exc:
            errors.append(exc)

    with factory.begin() as first:
        create(first)
        thread = threading.Thread(target=second)
        thread.start()
        with factory.begin() as probe:  # wait until the second INSERT blocks on our key
            for _ in range(100_000):
                waiting = probe.scalar(text(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                    "and datname = current_database()"))
                if waiting or not thread.is_alive():
                    break
    thread.join()
    assert not errors, errors


@pytest.mark.skipif(not PG_URL, reason="SALESBOT_TEST_DATABASE_URL is not set; PostgreSQL "
                    "tests skipped (SQLite serialises writers up front: no such race)")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_racing_first_uses_make_one_workspace_one_member_one_customer(
        session_factory: sessionmaker[Session]) -> None:
    pg_factory = session_factory
    _race(pg_factory, lambda s: ensure_workspace(s, "T0RACE", DEFAULTS, NOW))

    def member(session: Session) -> Member:
        ws = ensure_workspace(session, "T0RACE", DEFAULTS, NOW)
        return ensure_member(session, ws, "UNEW", NoDirectory(), NOW, fallback_name="nia")

    _race(pg_factory, member)

    def customer(session: Session) -> object:
        ws = ensure_workspace(session, "T0RACE", DEFAULTS, NOW)
        owner = ensure_member(session, ws, "UNEW", NoDirectory(), NOW)
        return find_or_create_customer(session, ws.id, "Acme Corp", owner=owner, tier=None,
                                       force_new=False, now=NOW)

    _race(pg_factory, customer)
    with pg_factory() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1
        assert session.scalar(select(func.count()).select_from(Member)) == 1
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
