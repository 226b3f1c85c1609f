"""A NUL character in an imported file is refused like one typed in Slack: the row is
reported, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.commands.helpers import run_import, write_csv
from tests.conftest import Chat, Clock
from tests.reliability.helpers import snapshot


def test_a_nul_character_in_an_imported_row_is_reported_and_nothing_is_written(
        team: Chat, clock: Clock, engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "customers.csv", [
        ["name", "tier"], ["Acme Corp", "A"], ["Glo\x00bex", "B"], ["Initech", "C"]])
    before = snapshot(engine)
    plan, result = run_import(team, "customers", path, clock.now)
    assert result is None
    assert [str(p) for p in plan.problems] == ["line 3: name contains a NUL character (\\0)"]
    assert snapshot(engine) == before
