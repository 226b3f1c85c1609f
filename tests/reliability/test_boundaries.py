"""Boundaries a hostile insider probes after the read policy: figures taken from the
wrong team, reads through other surfaces (the visit form's type-ahead...). The workspace
is the one of tests/reliability/test_read_permissions.py (East: mia manages alice and
bob; West: wes manages walt; olga in no team; ada the admin)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from bot.render import Reply
from tests.reliability.test_read_permissions import Read, run
from tests.reliability.test_read_permissions import engine as engine  # the fixture


def _reply(outcome: Any) -> str:
    assert isinstance(outcome, Reply), outcome
    return outcome.plain()


def test_a_reps_own_targets_come_from_their_team_in_any_channel(engine: Engine) -> None:
    """alice (East, a 450k share of East's 900k) runs `/target show` in #west: her own
    figures, from East's target, never a share of West's 600k."""
    here = _reply(run(engine, "alice", Read("targets", "/target show month:2026-11",
                                             frozenset(), ""))[0])
    there, changed = run(engine, "alice", Read("targets", "/target show month:2026-11",
                                                frozenset(), "", channel="C0WEST"))
    assert changed == []
    assert "450,000" in here
    assert _reply(there) == here
