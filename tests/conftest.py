"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when configured), a fixed
clock, the running app behind signed HTTP, and a guard that refuses any real network
connection."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.dispatch import Caller, Deps, execute
from bot.render import Reply
from commands.core.actors import WorkspaceDefaults
from commands.core.i18n import set_default_locale, use_locale
from storage.db import make_engine, make_session_factory, upgrade
from tests.bot.http_helpers import Client, running_app

PG_URL = os.environ.get("SALESBOT_TEST_DATABASE_URL")
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # a Sunday; 17:00 in Asia/Shanghai


# --- no network -----------------------------------------------------------------------------

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0") \
            and not host.startswith("/"):
        raise RuntimeError(f"tests must not touch the network (tried {address!r})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in English, the default, whatever language an earlier one chose."""
    set_default_locale("en")
    with use_locale(None):
        yield
    set_default_locale("en")


# --- databases ------------------------------------------------------------------------------


def _backends() -> list[Any]:
    params: list[Any] = ["sqlite"]
    if PG_URL:
        params.append("postgresql")
    else:
        reason = "SALESBOT_TEST_DATABASE_URL is not set; PostgreSQL tests skipped"
        if os.environ.get("CI"):
            reason = "CI must set SALESBOT_TEST_DATABASE_URL"
        params.append(pytest.param("postgresql", marks=pytest.mark.skip(reason=reason)))
    return params


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Slack or database setting from the environment, and a fresh working directory (no
    stray .env, and ./salesbot.db lands there): for the tests of the command line."""
    for var in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL",
                "SLACK_API_URL", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_SCOPES",
                "SALESBOT_PUBLIC_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session", autouse=True)
def _ci_requires_postgres() -> None:
    if os.environ.get("CI") and not PG_URL:
        pytest.fail("under CI, SALESBOT_TEST_DATABASE_URL must be set so PostgreSQL tests run")


def _pg_database(admin_url: str) -> tuple[str, Engine]:
    """A fresh, empty PostgreSQL database for one test; returns its URL and the admin engine."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"salesbot_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}", admin


@contextmanager
def _migrated_database(backend: str, directory: Path) -> Iterator[str]:
    """A migrated, empty database URL on `backend` (SQLite's file in `directory`), dropped
    afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'test.db'}"
        upgrade(url)
        yield url
        return
    assert PG_URL is not None
    url, admin = _pg_database(PG_URL)
    upgrade(url)
    try:
        yield url
    finally:
        name = url.rpartition("/")[2]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL on each backend."""
    with _migrated_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=_backends())
def module_db_url(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database URL on each backend, one for the whole module: for a
    workspace set up once, whose tests roll back what they change."""
    with _migrated_database(request.param, tmp_path_factory.mktemp("module")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


class Clock:
    """A settable clock; business code is handed `now` from it, never the real time."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def deps(session_factory: sessionmaker[Session], clock: Clock) -> Deps:
    return Deps(session_factory=session_factory, clock=clock,
                defaults=WorkspaceDefaults(currency="USD", timezone="UTC"))


class Chat:
    """Send commands as named users of one workspace, the way the console does."""

    def __init__(self, deps: Deps, team_id: str = "T0TEST", channel_id: str = "C0EAST") -> None:
        self.deps = deps
        self.team_id = team_id
        self.channel_id = channel_id

    def as_(self, user: str, line: str, *, channel: str | None = None,
            key: str | None = None) -> Reply | None:
        command, _, text_ = line.lstrip("/").partition(" ")
        caller = Caller(self.team_id, f"U{user.upper()}", channel or self.channel_id, user)
        return execute(self.deps, caller, command, text_, request_key=key)

    def say(self, user: str, line: str, **kw: Any) -> str:
        reply = self.as_(user, line, **kw)
        assert reply is not None
        return reply.plain()


@pytest.fixture
def chat(deps: Deps) -> Chat:
    return Chat(deps)


@pytest.fixture
def team(chat: Chat) -> Chat:
    """Workspace with team East: manager `mia` (admin), reps `alice` and `bob`."""
    chat.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    chat.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    return chat


@pytest.fixture
def slack(deps: Deps, engine: Engine) -> Iterator[Client]:
    """The app served over HTTP, signed like Slack, its Web API a local stub."""
    with running_app(deps, engine) as client:
        yield client
