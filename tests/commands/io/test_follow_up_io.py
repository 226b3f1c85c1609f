"""Follow-ups in the export (their own table, and the activities' follow_up_by column) and
back through the activities import."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from commands.io.export import ExportFormat, export_tables, write_export
from storage import repo
from tests.commands.helpers import (
    run_import,
    same_people_elsewhere,
    tables_of,
    write_csv,
    writes_nothing,
)
from tests.conftest import Chat, Clock


def follow_up_rows(chat: Chat) -> list[dict[str, Any]]:
    with chat.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        frame: pd.DataFrame = export_tables(session, ws.id)["follow_ups"]
    return frame.drop(columns=["workspace", "ref"]).to_dict("records")


def test_follow_ups_export_and_come_back_through_the_activities_import(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:friday Met the CTO')
    team.say("alice", '/visit "Beta Ltd" next:"call back" by:tomorrow Intro')
    team.say("alice", "/followups done F-2")
    exported = follow_up_rows(team)
    assert [(r["owner"], r["text"], r["due"], r["customer"], r["done_at"] is not None)
            for r in exported] == [("alice", "call back", "2026-11-23", "Beta Ltd", True),
                                   ("alice", "send quote", "2026-11-27", "Acme Corp", False)]
    with team.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, team.team_id)
        assert ws is not None
        tables = export_tables(session, ws.id)
    assert list(tables["activities"]["follow_up_by"]) == ["2026-11-27", "2026-11-23"]
    write_export(tables, tmp_path, ExportFormat.CSV)
    copy = Chat(team.deps, team_id="T0COPY", channel_id="C0COPY")
    copy.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    copy.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    clock.now += timedelta(days=30)
    for kind in ("customers", "activities"):
        plan, result = run_import(copy, kind, tmp_path / f"{kind}.csv", clock.now)
        assert plan.ok and result is not None, plan.problems
    assert follow_up_rows(copy) == exported


def test_a_follow_up_date_without_a_next_step_is_refused_with_nothing_written(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "activities.csv", [
        ["date", "type", "customer", "member", "next_step", "follow_up_by",
         "follow_up_done_at"],
        ["2026-11-20", "visit", "Acme Corp", "alice", "", "2026-11-27", ""],
        ["2026-11-20", "visit", "Beta Ltd", "alice", "call", "", "2026-11-21T10:00:00Z"],
        ["2026-11-20", "visit", "Gamma", "alice", "call", "someday", ""],
    ])
    with writes_nothing(team):
        plan, result = run_import(team, "activities", path, clock.now)
    assert result is None
    problems = "\n".join(str(p) for p in plan.problems)
    assert "no next step to follow up" in problems
    assert "needs the day the follow-up was due" in problems
    assert '"someday" is not a date' in problems


def test_a_deals_follow_ups_come_back_through_the_follow_ups_import(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    team.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal')
    team.say("alice", '/deal new "Beta pilot" customer:"Beta Ltd" amount:30k stage:lead')
    team.say("mia", '/deal D-1 next:"call CFO" by:2026-12-10')  # mia manages East
    team.say("alice", '/deal D-2 next:"send pilot plan" by:friday')
    # the visit at Beta Ltd closes the open pilot-plan follow-up (F-2)
    team.say("alice", '/visit "Beta Ltd" next:"call back" by:tomorrow Intro')
    team.say("alice", "/followups done F-3")
    exported = follow_up_rows(team)
    assert [(r["owner"], r["text"], r["deal"], r["created_by"]) for r in exported] == [
        ("alice", "call back", None, "alice"),
        ("alice", "send pilot plan", "D-2", "alice"),
        ("bob", "call CFO", "D-1", "mia")]
    write_export(tables_of(team), tmp_path, ExportFormat.CSV)
    copy = same_people_elsewhere(team)
    clock.now += timedelta(days=30)
    for kind in ("customers", "deals", "activities"):
        plan, result = run_import(copy, kind, tmp_path / f"{kind}.csv", clock.now)
        assert plan.ok and result is not None, plan.problems

    plan, result = run_import(copy, "follow_ups", tmp_path / "follow_ups.csv", clock.now)

    assert plan.ok, plan.problems
    # the visit's follow-up came back with its activity, so it is skipped here
    assert result is not None and result.message() == (
        "Imported 2 follow-ups, 0 new customers; skipped 1 row already there.")
    assert follow_up_rows(copy) == exported
    assert "call CFO" in copy.say("bob", "/followups")


def test_a_follow_up_naming_a_missing_deal_is_refused_with_nothing_written(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "follow_ups.csv", [
        ["owner", "text", "due", "customer", "deal", "created_by", "created_at", "done_at"],
        ["alice", "call CFO", "2026-12-10", "Acme Corp", "D-9", "mia", "", ""],
        ["alice", "", "2026-12-10", "", "", "", "", ""],
        ["zed", "call", "someday", "", "", "", "", ""],
    ])
    with writes_nothing(team):
        plan, result = run_import(team, "follow_ups", path, clock.now)
    assert result is None
    reasons = {p.line: "; ".join(p.reasons) for p in plan.problems}
    assert "there is no deal D-9 in this workspace" in reasons[2]
    assert "text is empty" in reasons[3]
    assert '"zed" is not anyone' in reasons[4] and '"someday" is not a date' in reasons[4]
