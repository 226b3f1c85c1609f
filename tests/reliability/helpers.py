"""Shared by the reliability tests: what the database holds, a database that fails on cue, and
the chat of a workspace set up once for a module."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.orm import sessionmaker

from bot.dispatch import Deps
from commands.core.actors import WorkspaceDefaults
from commands.core.errors import PermissionDenied
from storage.db import make_session_factory
from tests.conftest import Chat, Clock

Snapshot = dict[str, list[tuple[str, ...]]]


def snapshot(bind: Engine | Connection) -> Snapshot:
    """Every row of every table (as text, sorted): equal snapshots mean nothing was written.

    Given a connection, what that connection sees (its own transaction's writes included).
    """
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return snapshot(conn)
    tables = sorted(t for t in inspect(bind).get_table_names() if t != "alembic_version")
    return {t: sorted(tuple(str(v) for v in row)
                      for row in bind.execute(text(f'SELECT * FROM "{t}"')))
            for t in tables}


def counts(snap: Snapshot) -> dict[str, int]:
    return {t: len(rows) for t, rows in snap.items() if rows}


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


class FailingDatabase:
    """Make the engine's N-th SQL statement from now fail like a dropped database would.

    `outage`: that statement and every later one fail (the database is gone until `heal()`);
    otherwise only the N-th fails (a blip). `thread`: count only that thread's statements.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.at: int | None = None
        self.outage = False
        self.thread: int | None = None
        self.seen = 0
        self.fired = 0
        self.statements: list[str] = []
        self._lock = threading.Lock()

    def fail_at(self, n: int, *, outage: bool = False, thread: int | None = None) -> None:
        with self._lock:
            self.at, self.outage, self.thread = n, outage, thread
            self.seen = self.fired = 0
            self.statements = []

    def watch(self, *, thread: int | None = None) -> None:
        """Count and keep the statements, failing none: where could it fail?"""
        self.fail_at(10**9, thread=thread)

    def heal(self) -> None:
        with self._lock:
            self.at = None

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        with self._lock:
            if self.at is None:
                return
            if self.thread is not None and threading.get_ident() != self.thread:
                return
            self.seen += 1
            self.statements.append(" ".join(statement.split()))
            failing = self.seen >= self.at if self.outage else self.seen == self.at
            if not failing:
                return
            self.fired += 1
        dbapi = self.engine.dialect.loaded_dbapi
        raise dbapi.OperationalError(f"injected failure of statement {self.seen}: "
                                     f"{statement[:60]}")

    @contextmanager
    def installed(self) -> Iterator[FailingDatabase]:
        event.listen(self.engine, "before_cursor_execute", self._before)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._before)


def chat(bind: Engine | Connection) -> Chat:
    factory = sessionmaker(bind=bind, join_transaction_mode="create_savepoint",
                           expire_on_commit=False) if isinstance(bind, Connection) \
        else make_session_factory(bind)
    return Chat(Deps(session_factory=factory, clock=Clock(),
                     defaults=WorkspaceDefaults(currency="USD", timezone="UTC")))


def run_rolled_back(engine: Engine, user: str, line: str, channel: str, *,
                    before: str | None = None) -> tuple[Any, list[str]]:
    """Run `line` as `user` in a transaction rolled back afterwards, after `before` (run by
    East's manager mia in the same transaction) when given: (the reply or the PermissionDenied
    it raised, the tables `line` itself changed)."""
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            if before is not None:
                chat(conn).say("mia", before)
            snap = snapshot(conn)
            try:
                outcome: Any = chat(conn).as_(user, line, channel=channel)
            except PermissionDenied as exc:
                outcome = exc
            return outcome, changed_tables(snap, snapshot(conn))
        finally:
            outer.rollback()
