"""Who may change what: every command that writes, against a rep, the manager of the team, the
manager of another team and an admin. Allowed: it takes effect. Otherwise: PermissionDenied
and nothing written.

One workspace is set up per database for the whole module; each cell of the matrix runs in a
transaction that is rolled back afterwards (the command's own transaction becomes a
savepoint), so every cell starts from the same state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import sessionmaker

from bot.dispatch import Deps
from commands.actors import WorkspaceDefaults
from commands.errors import PermissionDenied
from storage.db import make_engine, make_session_factory, upgrade
from tests.conftest import PG_URL, Chat, Clock, _backends, _pg_database
from tests.reliability.helpers import changed_tables, snapshot

ACTORS = {"rep": "alice", "manager": "mia", "other manager": "wes", "admin": "ada"}
REP, MANAGER, OTHER, ADMIN = "rep", "manager", "other manager", "admin"
BOB = "<@UBOB|bob>"


@dataclass(frozen=True)
class Row:
    """A command, who may run it, and a table it must change when it is allowed."""

    what: str
    line: str
    allowed: frozenset[str]
    changes: str
    channel: str = "C0EAST"


def row(what: str, line: str, allowed: set[str], changes: str, **kw: Any) -> Any:
    return pytest.param(Row(what, line, frozenset(allowed), changes, **kw), id=what)


# Everything runs in East's channel unless said otherwise. bob is a rep of East: D-1 and A-1
# are his; D-2 is alice's own. 2027-Q1 is locked.
MATRIX = [
    row("edit a rep's deal", "/deal D-1 amount:150k", {MANAGER, ADMIN}, "deal"),
    row("close a rep's deal", "/deal D-1 won", {MANAGER, ADMIN}, "deal"),
    row("lose a rep's deal", '/deal D-1 lost reason:"price"', {MANAGER, ADMIN}, "deal"),
    row("edit one's own deal", "/deal D-2 stage:qualified", {REP, MANAGER, ADMIN},
        "deal_history"),
    row("set the team target", "/target set team revenue 900k month:2026-12",
        {MANAGER, ADMIN}, "target"),
    row("set a rep's target", f"/target set {BOB} revenue 300k month:2026-12",
        {MANAGER, ADMIN}, "target"),
    row("set a target in a locked period", "/target set team revenue 600k month:2027-02",
        {ADMIN}, "target"),
    row("lock a period", "/target lock quarter:2026-Q4", {ADMIN}, "period_lock"),
    row("add someone to the team", "/sales team add <@UNIA|nia>", {MANAGER, ADMIN}, "member"),
    row("remove a rep from the team", f"/sales team remove {BOB}", {MANAGER, ADMIN},
        "member"),
    row("change a role", f"/sales role {BOB} manager", {ADMIN}, "member"),
    row("add a holiday", '/sales holiday add 2026-12-24 "Christmas Eve"', {MANAGER, ADMIN},
        "holiday"),
    row("set a rep's start date", f"/sales member {BOB} start:2026-10-01", {MANAGER, ADMIN},
        "member"),
    row("give a rep an action item", f'/sales action add {BOB} "Call Globex"',
        {MANAGER, ADMIN}, "action_item"),
    row("close a rep's action item", "/sales action done A-1", {MANAGER, ADMIN},
        "action_item"),
    row("set the digest time", "/sales config digest:tue-09:15", {MANAGER, ADMIN},
        "team_settings"),
    row("tune the warnings", "/sales config warnings stale_days:10", {MANAGER, ADMIN},
        "team_settings"),
    row("configure the stand-up", "/standup config time:10:00 days:mon-fri",
        {MANAGER, ADMIN}, "standup_config"),
    row("start the stand-up now", "/standup now", {MANAGER, ADMIN}, "standup_config"),
    row("create another team", '/sales team create "North"', {MANAGER, OTHER, ADMIN}, "team",
        channel="C0NORTH"),
]


@dataclass
class World:
    engine: Engine

    def run(self, user: str, line: str, channel: str) -> tuple[Any, list[str]]:
        """Run `line` as `user` in a transaction rolled back afterwards: (the reply or the
        error it raised, the tables it changed)."""
        with self.engine.connect() as conn:
            outer = conn.begin()
            try:
                before = snapshot(conn)
                try:
                    outcome: Any = chat(conn).as_(user, line, channel=channel)
                except PermissionDenied as exc:
                    outcome = exc
                return outcome, changed_tables(before, snapshot(conn))
            finally:
                outer.rollback()


def chat(bind: Engine | Connection) -> Chat:
    factory = sessionmaker(bind=bind, join_transaction_mode="create_savepoint",
                           expire_on_commit=False) if isinstance(bind, Connection) \
        else make_session_factory(bind)
    return Chat(Deps(session_factory=factory, clock=Clock(),
                     defaults=WorkspaceDefaults(currency="USD", timezone="UTC")))


def set_up(engine: Engine) -> None:
    world = chat(engine)
    world.say("ada", '/sales team create "HQ" tz:Asia/Shanghai', channel="C0HQ")  # first: admin
    world.say("ada", "/sales role <@UMIA|mia> manager")
    world.say("ada", "/sales role <@UWES|wes> manager")
    world.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    world.say("wes", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    world.say("mia", f"/sales team add <@UALICE|alice> {BOB}")
    world.say("wes", "/sales team add <@UCARL|carl>", channel="C0WEST")
    world.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k')
    world.say("alice", '/deal new "Globex pilot" customer:"Globex" amount:50k')
    world.say("mia", f'/sales action add {BOB} "Call Acme"')
    world.say("ada", "/target lock quarter:2027-Q1")


@pytest.fixture(scope="module", params=_backends())
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The workspace above, on each backend, set up once for the module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'test.db'}"
        admin = None
    else:
        assert PG_URL is not None
        url, admin = _pg_database(PG_URL)
    upgrade(url)
    engine = make_engine(url)
    try:
        set_up(engine)
        yield World(engine)
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" '
                                  "WITH (FORCE)"))
            admin.dispose()


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", MATRIX)
def test_permission_matrix(world: World, case: Row, actor: str) -> None:
    outcome, changed = world.run(ACTORS[actor], case.line, case.channel)
    if actor in case.allowed:
        assert not isinstance(outcome, PermissionDenied), \
            f"{actor} may {case.what}, but was told: {outcome}"
        assert case.changes in changed, f"{case.what} by the {actor} changed only {changed}"
    else:
        assert isinstance(outcome, PermissionDenied), \
            f"the {actor} may not {case.what}, yet got: {getattr(outcome, 'text', outcome)}"
        assert changed == [], f"a refused {case.what} wrote to {changed}"
