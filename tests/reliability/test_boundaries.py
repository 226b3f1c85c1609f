"""Boundaries a hostile insider probes after the read policy: figures taken from the
wrong team, a team named in a command but another one changed. The workspace
is the one of tests/reliability/read_world.py (East: mia manages alice and
bob; West: wes manages walt; olga in no team; ada the admin)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from bot.render import Reply
from commands.core.errors import PermissionDenied
from tests.reliability.helpers import chat
from tests.reliability.read_world import Read, run


def _reply(outcome: Any) -> str:
    assert isinstance(outcome, Reply), outcome
    return outcome.plain()


def test_a_reps_own_targets_come_from_their_team_in_any_channel(reads: Engine) -> None:
    """alice (East, a 450k share of East's 900k) runs `/target show` in #west: her own
    figures, from East's target, never a share of West's 600k."""
    here = _reply(run(reads, "alice", Read("targets", "/target show month:2026-11",
                                            frozenset(), ""))[0])
    there, changed = run(reads, "alice", Read("targets", "/target show month:2026-11",
                                               frozenset(), "", channel="C0WEST"))
    assert changed == []
    assert "450,000" in here
    assert _reply(there) == here


def test_a_holiday_for_a_team_named_is_that_teams_not_the_channels(reads: Engine) -> None:
    """wes (West's manager) in #west names East: refused, West gets no holiday; mia gets
    East's holiday from #west; `/sales holiday team:"East"` lists East's."""
    add = '/sales holiday add 2026-12-24 "Christmas Eve" team:"East"'
    refused, changed = run(reads, "wes", Read("holiday", add, frozenset(), "",
                                              channel="C0WEST"))
    assert isinstance(refused, PermissionDenied), refused
    assert str(refused) == "Only a manager of East or an admin can add holidays."
    assert changed == []
    with reads.connect() as conn:
        outer = conn.begin()
        try:
            said = chat(conn).say("mia", add, channel="C0WEST")
            assert said.endswith("is now a day off for East: no working-day targets and no "
                                 "prompts."), said
            assert "2026-12-24" in chat(conn).say("ada", '/sales holiday team:"East"',
                                                  channel="C0WEST")
            assert "2026-12-24" not in chat(conn).say("ada", "/sales holiday",
                                                      channel="C0WEST")
        finally:
            outer.rollback()


def test_a_manager_gives_no_action_item_to_someone_outside_their_teams(reads: Engine) -> None:
    """olga is in no team: wes, in West's channel, is not her manager."""
    refused, changed = run(reads, "wes", Read("action", '/sales action add <@UOLGA|olga> '
                                              '"Call Initech"', frozenset(), "",
                                              channel="C0WEST"))
    assert isinstance(refused, PermissionDenied), refused
    assert changed == []
