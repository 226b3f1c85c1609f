"""`salesbot import adjustments`: the export's forecast adjustments back in, beside the calls
they adjust, every row or none."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.io.export import ExportFormat, write_export
from tests.commands.helpers import (
    records,
    run_import,
    same_people_elsewhere,
    tables_of,
    write_csv,
    writes_nothing,
)
from tests.conftest import Chat, Clock


def adjusted_calls(team: Chat, clock: Clock) -> None:
    team.say("alice", '/forecast submit commit:150k best:220.50k note:"A2 signs the 30th"')
    team.say("bob", "/forecast submit quarter commit:1m best:1.2m")
    clock.now += timedelta(hours=2)
    team.say("mia", '/forecast adjust @alice commit:120k best:200k reason:"A2 slips to Q1"')
    team.say("mia", '/forecast adjust team commit:900k reason:"holiday season"')
    clock.now += timedelta(days=1)
    team.say("mia", '/forecast adjust @bob quarter commit:800k reason:"Globex is at risk"')


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_reproduces_the_calls_and_their_adjustments(
        team: Chat, clock: Clock, tmp_path: Path, fmt: str) -> None:
    adjusted_calls(team, clock)
    original = tables_of(team)
    assert len(original["forecast_adjustments"]) == 3
    write_export(original, tmp_path, ExportFormat(fmt))
    copy = same_people_elsewhere(team)
    clock.now += timedelta(days=3)

    def path(table: str) -> Path:
        return tmp_path / ("salesbot-export.xlsx" if fmt == "xlsx" else f"{table}.csv")

    _, calls = run_import(copy, "forecasts", path("forecast_calls"), clock.now)
    plan, result = run_import(copy, "adjustments", path("forecast_adjustments"), clock.now)

    assert plan.ok, plan.problems
    assert calls is not None and calls.message() == "Imported 2 forecast calls."
    assert result is not None and result.message() == "Imported 3 forecast adjustments."
    tables = tables_of(copy)
    assert records(tables["forecast_calls"]) == records(original["forecast_calls"])
    assert records(tables["forecast_adjustments"]) == records(original["forecast_adjustments"])
    # the copy's forecast reads the imported adjustment beside alice's call
    assert "120,000" in copy.say("mia", "/forecast team")


def test_importing_the_same_adjustments_again_skips_them(team: Chat, clock: Clock,
                                                         tmp_path: Path) -> None:
    adjusted_calls(team, clock)
    write_export(tables_of(team), tmp_path, ExportFormat.CSV)

    plan, result = run_import(team, "adjustments", tmp_path / "forecast_adjustments.csv",
                              clock.now)

    assert result is not None and (plan.size, result.skipped) == (0, 3)
    assert result.message() == "Imported 0 forecast adjustments; skipped 3 rows already there."
    assert [str(s) for s in plan.skipped] == [
        "line 2: skipped, alice's call for 2026-11 adjusted 2026-11-22T11:00:00+00:00 is "
        "already there",
        "line 3: skipped, East's forecast for 2026-11 adjusted 2026-11-22T11:00:00+00:00 is "
        "already there",
        "line 4: skipped, bob's call for 2026-Q4 adjusted 2026-11-23T11:00:00+00:00 is "
        "already there"]
    assert len(tables_of(team)["forecast_adjustments"]) == 3


def test_every_bad_adjustment_is_refused_and_nothing_is_written(team: Chat, clock: Clock,
                                                                tmp_path: Path) -> None:
    team.say("alice", "/forecast submit commit:1k")
    header = ["team", "person", "period_kind", "start", "end", "commit", "best", "currency",
              "reason", "adjusted_by", "adjusted_at"]
    path = write_csv(tmp_path / "adjustments.csv", [
        header,
        ["East", "alice", "month", "2026-11-01", "", "900.00", "", "USD", "slips", "mia", ""],
        ["Eest", "alice", "month", "2026-11-01", "", "900.00", "", "USD", "slips", "mia", ""],
        ["East", "alice", "month", "2026-11-01", "", "900.00", "", "USD", "", "mia", ""],
        ["East", "", "month", "2026-11-01", "", "900.00", "800", "USD", "why", "zed", ""],
    ])

    with writes_nothing(team):
        plan, result = run_import(team, "adjustments", path, clock.now)

    assert result is None and plan.adjustments and not plan.ok
    reasons = {p.line: "; ".join(p.reasons) for p in plan.problems}
    assert sorted(reasons) == [3, 4, 5]
    assert 'team "Eest" is not a team in this workspace (did you mean "East"?)' in reasons[3]
    assert "reason is empty" in reasons[4]
    assert '"zed" is not anyone' in reasons[5]
    assert "best case includes the commit" in reasons[5]


def test_an_adjustments_file_is_not_read_as_calls(team: Chat, clock: Clock,
                                                  tmp_path: Path) -> None:
    team.say("alice", "/forecast submit commit:1k")
    team.say("mia", '/forecast adjust @alice commit:900 reason:"slips"')
    write_export(tables_of(team), tmp_path, ExportFormat.CSV)

    with pytest.raises(UsageError) as refused:
        run_import(team, "forecasts", tmp_path / "forecast_adjustments.csv", clock.now)

    assert "import it with `salesbot import adjustments ...`" in str(refused.value)
    with use_locale("zh"), pytest.raises(UsageError) as in_chinese:
        run_import(team, "forecasts", tmp_path / "forecast_adjustments.csv", clock.now)
    assert "salesbot import adjustments" in str(in_chinese.value)
    assert "forecast adjustments" not in str(in_chinese.value)
