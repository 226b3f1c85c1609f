"""`salesbot import forecasts`: the export's forecast calls back in, every row or none."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from commands.io.export import ExportFormat, write_export
from storage import repo
from tests.commands.helpers import records, run_import, same_people_elsewhere, tables_of, write_csv
from tests.conftest import Chat, Clock


def call_history(team: Chat, clock: Clock) -> None:
    team.say("alice", '/forecast submit commit:150k best:220.50k note:"A2 signs the 30th"')
    clock.now += timedelta(days=1)
    team.say("alice", "/forecast submit commit:180k")
    team.say("bob", "/forecast submit quarter commit:1m best:1.2m")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_reproduces_the_calls(team: Chat, clock: Clock, tmp_path: Path,
                                                fmt: str) -> None:
    call_history(team, clock)
    original = tables_of(team)
    assert len(original["forecast_calls"]) == 3
    write_export(original, tmp_path, ExportFormat(fmt))
    copy = same_people_elsewhere(team)
    clock.now += timedelta(days=3)
    path = tmp_path / ("salesbot-export.xlsx" if fmt == "xlsx" else "forecast_calls.csv")

    plan, result = run_import(copy, "forecasts", path, clock.now)

    assert plan.ok, plan.problems
    assert result is not None and result.message() == "Imported 3 forecast calls."
    assert records(tables_of(copy)["forecast_calls"]) == records(original["forecast_calls"])
    # the calls are the team's, so the roll-up counts them
    with copy.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, copy.team_id)
        assert ws is not None
        members = repo.workspaces.workspace_members(session, ws.id)
        calls = repo.forecasts.calls_for(session, [m.id for m in members], "month",
                                         plan.calls[0].period_start)
        assert [c.team_id is not None for c in calls] == [True, True]


def test_importing_the_same_calls_again_skips_them(team: Chat, clock: Clock,
                                                   tmp_path: Path) -> None:
    call_history(team, clock)
    write_export(tables_of(team), tmp_path, ExportFormat.CSV)

    plan, result = run_import(team, "forecasts", tmp_path / "forecast_calls.csv", clock.now)

    assert result is not None and (plan.size, result.skipped) == (0, 3)
    assert "is already there" in str(plan.skipped[0])
    assert len(tables_of(team)["forecast_calls"]) == 3


def test_every_bad_row_is_refused_and_nothing_is_written(team: Chat, clock: Clock,
                                                         tmp_path: Path) -> None:
    team.say("alice", "/forecast submit commit:1k")  # alice and bob known to salesbot
    team.say("bob", "/forecast submit commit:1k")
    header = ["person", "period_kind", "start", "end", "commit", "best", "currency", "note",
              "submitted_at"]
    path = write_csv(tmp_path / "calls.csv", [
        header,
        ["alice", "month", "2026-12-01", "2026-12-31", "100000.00", "", "USD", "", ""],
        ["zed", "month", "2026-12-01", "", "1", "", "USD", "", ""],
        ["bob", "week", "2026-12-01", "", "1", "", "USD", "", ""],
        ["bob", "quarter", "2026-11-01", "", "1", "", "USD", "", ""],
        ["bob", "month", "2026-12-01", "2026-12-30", "1", "", "USD", "", ""],
        ["bob", "month", "2026-12-01", "", "1.005", "", "USD", "", ""],
        ["bob", "month", "2026-12-01", "", "10", "5", "USD", "", ""],
        ["bob", "month", "2026-12-01", "", "10", "", "XYZ", "", ""],
        ["bob", "month", "2026-12-01", "", "10 EUR", "", "USD", "", ""],
        ["bob", "month", "2026-12-01", "", "", "", "USD", "", ""],
    ])

    plan, result = run_import(team, "forecasts", path, clock.now)

    assert result is None and plan.calls and not plan.ok
    reasons = {p.line: "; ".join(p.reasons) for p in plan.problems}
    assert sorted(reasons) == list(range(3, 12))
    assert '"zed" is not anyone' in reasons[3]
    assert "week" in reasons[4] and "month, quarter" in reasons[4]
    assert "not the first day of a quarter" in reasons[5]
    assert "not the last day of 2026-12" in reasons[6]
    assert "more than two decimal places" in reasons[7]
    assert "best case includes the commit" in reasons[8]
    assert "XYZ" in reasons[9]
    assert "EUR" in reasons[10] and "USD" in reasons[10]
    assert "commit is empty" in reasons[11]
    assert len(tables_of(team)["forecast_calls"]) == 2


def test_amounts_stay_exact_in_their_currency(team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "calls.csv", [
        ["person", "period_kind", "start", "commit", "best", "currency"],
        ["alice", "month", "2026-12-01", "8,500.50", "€9,000.01", "EUR"],
    ])
    team.say("alice", "/forecast submit commit:1k")

    plan, _ = run_import(team, "forecasts", path, clock.now, apply=False)

    assert plan.ok, plan.problems
    assert [(c.commit_minor, c.best_minor, c.currency, c.period_end.isoformat())
            for c in plan.calls] == [(850050, 900001, "EUR", "2026-12-31")]
