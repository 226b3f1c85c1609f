"""Engine and session setup, and schema migration through Alembic."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S = 15
PING_AFTER_IDLE_S = 1.0  # a pooled connection idle longer is checked before use
_CHECKED_IN = "salesbot_checked_in"
log = logging.getLogger(__name__)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and write-ahead locking."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, in_memory=parsed.database in (None, "", ":memory:"))
        return engine
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is still alive before handing it out, if it sat idle.

    A connection idle in the pool may have been closed under us (the database restarted,
    a proxy timed it out). SQLAlchemy's pool_pre_ping checks every checkout, a round trip
    per transaction: under load a tenth of a slash command's database work. A connection
    back in the pool for less than PING_AFTER_IDLE_S was just working, so only those idle
    longer are pinged; a dead one is replaced transparently (the pool retries the checkout
    on DisconnectionError).
    """

    @event.listens_for(engine, "checkin")
    def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in < PING_AFTER_IDLE_S:
            return  # brand new, or in use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception:  # the server's goodbye (e.g. AdminShutdown) surfaces here
            alive = False
        if not alive:
            raise DisconnectionError("pooled connection was closed while idle")


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock up front: a deferred transaction that reads and then writes
        # fails at once with "database is locked" when another writer got in between,
        # instead of waiting for busy_timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    if not in_memory:
        _queue_writers(engine)


def _queue_writers(engine: Engine) -> None:
    """Let this process's threads wait for SQLite's write lock in a queue, not by polling.

    Every transaction takes the write lock (BEGIN IMMEDIATE). Threads that find it taken
    would wait in SQLite's busy handler, which sleeps up to 100 ms between tries: under
    load the lock sits idle while waiters sleep, and some wait for seconds. A Python lock
    held from checkout to checkin hands the connection's turn straight to the next thread.
    Other processes on the same file still wait through busy_timeout.
    """
    writer = threading.Lock()
    holding: set[int] = set()

    @event.listens_for(engine, "checkout")
    def _take_turn(_dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if writer.acquire(timeout=BUSY_TIMEOUT_S):
            holding.add(id(record))
        else:  # a leaked connection must not stop the process; SQLite still guards writes
            log.warning("waited %s s for the SQLite writer queue; going ahead", BUSY_TIMEOUT_S)

    @event.listens_for(engine, "checkin")
    def _end_turn(_dbapi_conn: Any, record: Any) -> None:
        if id(record) in holding:
            holding.discard(id(record))
            writer.release()


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query (the health check)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema at `url` up to `revision` (latest by default)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
