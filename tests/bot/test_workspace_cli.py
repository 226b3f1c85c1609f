"""`salesbot workspace export|delete T…`: one workspace's data out, or gone for good, the
other workspaces untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from bot.cli import cli
from storage.db import make_engine
from storage.models import Base, Workspace
from tests.conftest import Chat, Clock

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def two(team: Chat, clock: Clock) -> tuple[Chat, Chat]:
    """T0TEST and T0OTHER, alike down to their user and channel ids: team East, a visit, a
    deal, a target, a stand-up and an absence."""
    clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday, after 09:30 in Shanghai
    other = Chat(team.deps, team_id="T0OTHER", channel_id="C0EAST")
    other.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    other.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    for chat in (team, other):
        chat.say("mia", "/standup config time:09:30 days:mon-fri")
        chat.say("mia", "/target set team revenue 1.2M quarter:2026-Q4")
        chat.say("mia", '/visit "Acme Corp" tier:A type:demo Met the CTO')
        chat.say("mia", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                        "close:2026-12-15")
        chat.say("alice", "/standup ooo 2026-11-24..2026-11-25")
    return team, other


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


def test_export_writes_only_that_workspace(two: tuple[Chat, Chat], db_url: str,
                                           tmp_path: Path) -> None:
    result = runner.invoke(cli, ["workspace", "export", "T0OTHER", "--out", "out",
                                 "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert "out/deals.csv: 1 row" in result.output.splitlines()
    missing = runner.invoke(cli, ["workspace", "export", "T0NONE", "--out", "out",
                                  "--database-url", db_url])
    assert missing.exit_code == 2 and "No workspace T0NONE" in missing.output


def test_delete_asks_first_and_keeps_everything_when_told_no(
        two: tuple[Chat, Chat], db_url: str) -> None:
    engine = make_engine(db_url)
    before = rows(engine)
    result = runner.invoke(cli, ["workspace", "delete", "T0TEST", "--database-url", db_url],
                           input="n\n")
    assert result.exit_code == 1
    assert "Delete workspace T0TEST" in result.output and "Nothing deleted." in result.output
    assert rows(engine) == before
    engine.dispose()


def test_delete_removes_every_row_of_that_workspace_only(
        two: tuple[Chat, Chat], db_url: str) -> None:
    engine = make_engine(db_url)
    before = rows(engine)
    result = runner.invoke(cli, ["workspace", "delete", "T0TEST", "--yes",
                                 "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Deleted workspace T0TEST: ")
    after = rows(engine)
    # every table holding workspace data lost exactly the deleted workspace's half
    for table in ("deal", "deal_history", "customer", "activity", "member", "team",
                  "standup_config", "out_of_office", "target", "stage", "workspace"):
        assert before[table] > 0 and after[table] == before[table] // 2, table
    with engine.connect() as conn:
        assert conn.execute(select(Workspace.slack_team_id)).scalars().all() == ["T0OTHER"]
    again = runner.invoke(cli, ["workspace", "delete", "T0TEST", "--yes",
                                "--database-url", db_url])
    assert again.exit_code == 2 and "No workspace T0TEST" in again.output
    engine.dispose()
