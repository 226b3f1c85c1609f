"""Pooled PostgreSQL connections closed under us while idle are replaced, not handed out.

salesbot pings a pooled connection before use only when it sat idle for a while
(storage.db.PING_AFTER_IDLE_S), instead of on every checkout.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from storage import db
from storage.db import make_engine
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="SALESBOT_TEST_DATABASE_URL is not set; "
                                "pooled PostgreSQL connections need PostgreSQL")


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    assert PG_URL is not None
    engine = make_engine(PG_URL)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pid: int) -> None:
    """Close the connection from the server side, as a database restart does."""
    assert PG_URL is not None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            # with a timeout (ms), PostgreSQL returns once the backend has actually exited
            assert conn.execute(text("SELECT pg_terminate_backend(:pid, 30000)"),
                                {"pid": pid}).scalar()
    finally:
        admin.dispose()


def test_a_connection_closed_while_idle_is_replaced(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(pg_engine)
    _terminate(first)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # it has now been idle long enough

    assert _backend_pid(pg_engine) != first  # a new connection, and no error


def test_a_connection_used_a_moment_ago_is_not_pinged(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(pg_engine)
    _terminate(first)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)  # it was in use "just now"

    # not pinged: the dead connection is handed out, and the statement fails (this is why
    # the idle ones are checked); the pool then drops it, so the next checkout is good
    with pytest.raises(OperationalError):
        _backend_pid(pg_engine)
    assert _backend_pid(pg_engine) != first
