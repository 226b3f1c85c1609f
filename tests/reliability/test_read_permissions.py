"""Who may see what: every command that reads, against a rep of East, East's manager, the
manager of another team, an outsider (in the workspace, in no team) and an admin, as the
README's "Who can see what" says. Allowed: the reply shows what was asked for. Otherwise:
refused (PermissionDenied) and nothing written. Reads write nothing either way.

One workspace is set up per database for the whole module; each cell runs in a transaction
rolled back afterwards (as tests/reliability/test_permissions.py does for writes).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.dispatch import Caller, actor_for
from bot.render import Reply
from commands.core.errors import PermissionDenied, UsageError
from commands.team.home import HomePart, run_home
from storage.db import make_session_factory
from tests.conftest import NOW
from tests.reliability.helpers import changed_tables, chat, snapshot
from tests.reliability.read_world import BOB, Read, run

ACTORS = {"rep": "alice", "manager": "mia", "other manager": "wes", "outsider": "olga",
          "admin": "ada"}
REP, MANAGER, OTHER, OUTSIDER, ADMIN = ACTORS
TEAM = {REP, MANAGER, ADMIN}  # East's members and managers, and the admin
OVER = {MANAGER, ADMIN}  # whoever is over bob: his manager and the admin
EVERYONE = set(ACTORS)


def read(what: str, line: str, allowed: set[str], shows: str, **kw: Any) -> Any:
    return pytest.param(Read(what, line, frozenset(allowed), shows, **kw), id=what)


# bob and alice are reps of East (manager mia); walt a rep of West (manager wes); olga is in
# no team; ada is the admin. D-1 is bob's, D-2 alice's, D-3 walt's. "asked from #west": the
# team named explicitly from another team's channel.
MATRIX = [
    read("a rep's scorecard", f"/sales report {BOB}", OVER, "bob"),
    read("one's own scorecard", "/sales report <@UALICE|alice>", TEAM, "alice"),
    read("the team's report", "/sales report team", TEAM, "East"),
    read("the team's report asked from #west", '/sales report team:"East"', TEAM, "East",
         channel="C0WEST"),
    read("the leaderboard", '/sales leaderboard team:"East"', TEAM, "bob", channel="C0WEST"),
    read("a rep's pipeline", f"/pipeline {BOB}", OVER, "bob"),
    read("the team's pipeline", "/pipeline team", TEAM, "East"),
    read("a rep's plan", f"/plan {BOB}", OVER, "bob"),
    read("the team's plan", "/plan team", TEAM, "East"),
    read("a rep's targets", f"/target show {BOB} month:2026-11", OVER, "bob"),
    read("the team's targets", "/target show team month:2026-11", TEAM, "East"),
    read("a teammate's deal card", "/deal D-1", TEAM, "Acme renewal"),
    read("a teammate's deal card with deal_cards:own", "/deal D-1", OVER, "Acme renewal",
         before="/sales config deal_cards:own"),
    read("one's own deal card with deal_cards:own", "/deal D-2", TEAM, "Globex pilot",
         before="/sales config deal_cards:own"),
    read("a rep's open deals", f"/deal list {BOB}", OVER, "Acme renewal"),
    read("one's own open deals", "/deal list <@UALICE|alice>", TEAM, "Globex pilot"),
    read("the stand-up report", '/standup report team:"East"', TEAM, "East",
         channel="C0WEST"),
    read("the warnings", '/sales warnings team:"East"', TEAM, "East", channel="C0WEST"),
    read("the action items", '/sales action list team:"East"', TEAM, "Call Acme",
         channel="C0WEST"),
    read("a rep's action items", f"/sales action list {BOB}", TEAM, "Call Acme"),
    read("the digest", '/sales digest team:"East"', OVER, "East", channel="C0WEST"),
    # who is on a team and how it is set up are not sales figures: anyone may look
    read("who is on the team", '/sales team show team:"East"', EVERYONE, "bob", channel="C0WEST"),
    read("the team's settings", '/sales config team:"East"', EVERYONE, "deal_cards:team",
         channel="C0WEST"),
    read("a rep's forecast", f"/forecast {BOB}", OVER, "bob"),
    read("the team's forecast", "/forecast team", TEAM, "East"),
    read("a rep's forecast history", f"/forecast history {BOB}", OVER, "bob"),
    read("the team's forecast history", "/forecast history team quarter", TEAM, "East"),
]


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", MATRIX)
def test_read_matrix(reads: Engine, case: Read, actor: str) -> None:
    outcome, changed = run(reads, ACTORS[actor], case)
    assert changed == [], f"reading {case.what} as the {actor} wrote to {changed}"
    if actor in case.allowed:
        assert isinstance(outcome, Reply), \
            f"the {actor} may see {case.what}, but was told: {outcome}"
        assert case.shows in outcome.plain(), \
            f"{case.what} as the {actor} does not show {case.shows!r}: {outcome.plain()}"
    else:
        assert isinstance(outcome, PermissionDenied), \
            f"the {actor} may not see {case.what}, yet got: {getattr(outcome, 'text', outcome)}"


def test_a_refusal_says_who_may_see_and_points_a_teammate_to_the_team(reads: Engine) -> None:
    refused, _ = run(reads, "alice", MATRIX[7].values[0])  # /plan @bob
    assert str(refused) == ("Only bob, their manager or an admin can see bob's plan. "
                            "`/plan team` shows East's.")
    refused, _ = run(reads, "wes", MATRIX[4].values[0])  # the leaderboard
    assert str(refused) == "Only members and managers of East, and admins, can see its " \
                           "leaderboard."
    own = Read("card", "/deal D-1", frozenset(), "", before="/sales config deal_cards:own")
    refused, _ = run(reads, "alice", own)
    assert str(refused) == ("D-1 is bob's deal: only they, their manager or an admin can see "
                            "it. In East reps see only their own deal cards "
                            "(`deal_cards:own`).")


def _exported_deals(reply: Reply) -> set[str]:
    deals = next(data for name, data in reply.files if name.endswith("deals.csv"))
    return {row["name"] for row in csv.DictReader(io.StringIO(deals.decode("utf-8-sig")))}


EXPORTS = {REP: {"Globex pilot"}, MANAGER: {"Acme renewal", "Globex pilot"},
           OTHER: {"Initech expansion"}, OUTSIDER: set(),
           ADMIN: {"Acme renewal", "Globex pilot", "Initech expansion"}}


@pytest.mark.parametrize("actor", list(ACTORS))
def test_export_holds_what_the_reader_may_see(reads: Engine, actor: str) -> None:
    reply, changed = run(reads, ACTORS[actor], Read("export", "/sales export", frozenset(),
                                                    ""))
    assert isinstance(reply, Reply) and changed == []
    assert _exported_deals(reply) == EXPORTS[actor]


def _home_text(part: HomePart) -> str:
    return f"{part.result!r} {part.note or ''}"


@pytest.mark.parametrize("actor", list(ACTORS))
def test_home_tab_shows_only_the_readers_own_team(reads: Engine, actor: str) -> None:
    """The Home tab runs the commands as the user would: it shows no other team's figures."""
    name = ACTORS[actor]
    factory = make_session_factory(reads)
    with factory() as session:
        deps = chat(reads).deps
        who = actor_for(session, deps, Caller("T0TEST", f"U{name.upper()}", f"D{name}", name),
                        NOW)
        home = run_home(session=session, actor=who, now=NOW)
        shown = " ".join(_home_text(p) for p in home.parts)
        session.rollback()
    others = {REP: ("West", "walt"), MANAGER: ("West", "walt"), OTHER: ("East", "bob"),
              OUTSIDER: ("East", "West", "bob", "walt")}.get(actor, ())
    for word in others:
        assert word not in shown, f"the {actor}'s Home tab shows {word}: {shown}"


@pytest.mark.parametrize(("setting", "alice_sees_bobs"), [("team", True), ("own", False)])
def test_team_report_names_teammates_deals_only_where_their_cards_are_readable(
        reads: Engine, setting: str, alice_sees_bobs: bool) -> None:
    """The team's totals count every deal; the deals it names (biggest moves) follow
    deal_cards: with `own`, a rep sees only their own named, their manager everyone's."""
    report = Read("the team's report", "/sales report team", frozenset(), "",
                  before=f"/sales config deal_cards:{setting}")
    for user, sees_bobs in (("alice", alice_sees_bobs), ("mia", True)):
        reply, _ = run(reads, user, report)
        assert isinstance(reply, Reply)
        shown = reply.plain()
        assert "Globex pilot" in shown
        assert ("Acme renewal" in shown) == sees_bobs, (user, setting, shown)


@pytest.mark.parametrize("actor", list(ACTORS))
def test_only_a_manager_of_the_team_or_an_admin_sets_deal_cards(reads: Engine,
                                                               actor: str) -> None:
    with reads.connect() as conn:
        outer = conn.begin()
        try:
            before = snapshot(conn)
            try:
                outcome: Any = chat(conn).as_(ACTORS[actor], "/sales config deal_cards:own")
            except PermissionDenied as exc:
                outcome = exc
            changed = changed_tables(before, snapshot(conn))
        finally:
            outer.rollback()
    if actor in OVER:
        assert isinstance(outcome, Reply)
        assert "reps see only their own deal cards" in outcome.plain()
        assert changed == ["team_settings"]
    else:
        assert isinstance(outcome, PermissionDenied) and changed == []


def test_deal_cards_takes_team_or_own(reads: Engine) -> None:
    with reads.connect() as conn:
        outer = conn.begin()
        try:
            with pytest.raises(UsageError, match="`deal_cards:maybe` is not a choice"):
                chat(conn).as_("mia", "/sales config deal_cards:maybe")
        finally:
            outer.rollback()
