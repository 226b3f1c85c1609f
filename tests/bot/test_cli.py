"""The salesbot command line, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import cli
from bot.cli_serve import default_command_workers
from storage.models import Deal
from tests.conftest import Chat

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("clean_env")


def test_db_upgrade_migrates_then_reports_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = runner.invoke(cli, ["db", "upgrade", "--database-url", url])
    assert first.exit_code == 0 and "migrated from empty" in first.output
    again = runner.invoke(cli, ["db", "upgrade", "--database-url", url])
    assert again.exit_code == 0 and "already up to date" in again.output


def test_run_without_slack_credentials_explains_what_is_missing() -> None:
    result = runner.invoke(cli, ["run"])
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN" in result.output and "salesbot demo" in result.output


def test_bad_timezone_setting_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESBOT_DEFAULT_TIMEZONE", "Mars/Olympus")
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 2 and "Mars/Olympus" in result.output


def test_bad_command_workers_setting_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESBOT_COMMAND_WORKERS", "-1")
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 2 and "Configuration error" in result.output
    assert "greater than or equal to 0" in result.output
    flag = runner.invoke(cli, ["run", "--command-workers", "99"])
    assert flag.exit_code == 2 and "--command-workers" in flag.output


@pytest.mark.parametrize(("cpus", "url", "expected"), [
    (1, "sqlite:///salesbot.db", 0), (2, "sqlite:///salesbot.db", 1),
    (8, "sqlite:///salesbot.db", 4), (1, "postgresql+psycopg://db/salesbot", 0),
    (2, "postgresql+psycopg://db/salesbot", 2), (3, "postgresql+psycopg://db/salesbot", 3),
    (16, "postgresql+psycopg://db/salesbot", 4),
])
def test_default_command_workers(cpus: int, url: str, expected: int) -> None:
    # SQLite: one writer at a time, so the spare CPUs; PostgreSQL: a worker waits on the
    # server's round trips, so one per CPU
    assert default_command_workers(cpus, url) == expected


def test_manifest_requires_a_mode() -> None:
    result = runner.invoke(cli, ["manifest"])
    assert result.exit_code == 2 and "--socket-mode" in result.output
    ok = runner.invoke(cli, ["manifest", "--url", "https://bot.example.com"])
    assert ok.exit_code == 0 and "/slack/events" in ok.output


def test_console_script(tmp_path: Path) -> None:
    script = tmp_path / "session.txt"
    script.write_text('/visit "Acme Corp" type:call Intro\n/deal list\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    result = runner.invoke(cli, ["console", "--user", "alice", "--script", str(script),
                                 "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "alice> /visit" in result.output and "Logged a call with Acme Corp" in result.output


# --- export and import ----------------------------------------------------------------------


def test_export_xlsx_then_import_into_another_workspace(team: Chat, db_url: str,
                                                        tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" tier:A type:demo Met the CTO')
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      "close:2026-12-15")
    team.say("alice", '/visit "Acme Corp" type:call deal:D-1 Sent the quote')
    out = tmp_path / "out"
    exported = runner.invoke(cli, ["export", "--format", "xlsx", "--out", str(out),
                                   "--workspace", "T0TEST", "--database-url", db_url])
    assert exported.exit_code == 0, exported.output
    assert exported.output == (f"{out / 'salesbot-export.xlsx'}: customers 1 row, activities "
                               "2 rows, deals 1 row, deal_history 3 rows, targets 0 rows, "
                               "follow_ups 0 rows, forecast_calls 0 rows, forecast_adjustments 0 "
                               "rows\n")

    copy = Chat(team.deps, team_id="T0COPY", channel_id="C0COPY")
    copy.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    copy.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    workbook = str(out / "salesbot-export.xlsx")
    lines = []
    for kind in ("customers", "deals", "activities"):
        result = runner.invoke(cli, ["import", kind, workbook, "--workspace", "T0COPY",
                                     "--database-url", db_url])
        assert result.exit_code == 0, result.output
        lines.append(result.output)
    assert lines == ["Imported 1 customer. (workspace T0COPY)\n",
                     "Imported 1 deal (D-1), 0 new customers. (workspace T0COPY)\n",
                     "Imported 2 activities, 0 new customers. (workspace T0COPY)\n"]
    again = runner.invoke(cli, ["import", "deals", workbook, "--workspace", "T0COPY",
                                "--database-url", db_url])
    assert again.exit_code == 0
    assert again.output.splitlines() == [
        'salesbot-export.xlsx line 2: skipped, deal "Acme renewal" with Acme Corp is already '
        "there (D-1)",
        "Imported 0 deals, 0 new customers; skipped 1 row already there. (workspace T0COPY)"]


def test_export_csv_lists_each_file(team: Chat, db_url: str, tmp_path: Path) -> None:
    team.say("mia", "/target set team revenue 1.2M quarter:2026-Q4")
    result = runner.invoke(cli, ["export", "--out", "out", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "out/customers.csv: 0 rows", "out/activities.csv: 0 rows", "out/deals.csv: 0 rows",
        "out/deal_history.csv: 0 rows", "out/targets.csv: 1 row", "out/follow_ups.csv: 0 rows",
        "out/forecast_calls.csv: 0 rows", "out/forecast_adjustments.csv: 0 rows"]
    assert (tmp_path / "out" / "targets.csv").read_text(encoding="utf-8").count("\n") == 2


def deals_in(chat: Chat) -> int:
    with chat.deps.session_factory() as session:
        return len(session.scalars(select(Deal)).all())


def test_import_reports_every_bad_row_and_writes_nothing(team: Chat, db_url: str,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "Opportunity Name,Account Name,Amount,Stage,Close Date,Opportunity Owner\n"
        "Acme renewal,Acme Corp,120000,Qualification,12/15/2026,alice\n"
        "Initech pilot,Initech,8500,Closed Wn,12/20/2026,bobby\n"
        "Globex,Globex,5000,Prospecting,12/32/2026,bob\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", "deals", str(path), "--database-url", db_url])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        'deals.csv line 3: Opportunity Owner "bobby" is not anyone in this workspace (did you '
        'mean "bob"?); unknown stage "Closed Wn" (did you mean "Closed Won"?); stages are '
        "lead, qualified, proposal, negotiation, won, lost (or Salesforce's, like Closed Won)",
        'deals.csv line 4: Close Date "12/32/2026" is not a real date',
        "Nothing was imported: 2 rows of 3 have problems. Fix them and run the import again."]
    assert deals_in(team) == 0


def test_import_dry_run_says_what_it_would_do_and_writes_nothing(
        team: Chat, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "Opportunity Name,Account Name,Amount,Stage,Close Date,Opportunity Owner\n"
        "Acme renewal,Acme Corp,120000,Qualification,12/15/2026,alice\n"
        "Initech pilot,Initech,8500,Closed Won,11/20/2026,bob\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", "deals", str(path), "--dry-run",
                                 "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert result.output == ("Dry run: would import 2 deals, 2 new customers. Nothing was "
                             "written. (workspace T0TEST, Salesforce report layout)\n")
    assert deals_in(team) == 0
    real = runner.invoke(cli, ["import", "deals", str(path), "--database-url", db_url])
    assert real.output == "Imported 2 deals (D-1 to D-2), 2 new customers. (workspace T0TEST)\n"
    assert deals_in(team) == 2


def test_import_of_a_large_file_shows_progress(team: Chat, db_url: str,
                                               tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("name,tier,owner\n" + "".join(f"Customer {n},B,alice\n" for n in range(600)),
                    encoding="utf-8")
    result = runner.invoke(cli, ["import", "customers", str(path), "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert "Checking 600 rows" in result.stderr and "Importing" in result.stderr
    assert result.stdout == "Imported 600 customers. (workspace T0TEST)\n"


def test_import_explains_what_is_wrong_with_the_file_or_workspace(
        team: Chat, db_url: str, tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["import", "deals", "nope.csv", "--database-url", db_url])
    assert (missing.exit_code, missing.output) == (1, "There is no file nope.csv.\n")
    (tmp_path / "deals.pdf").write_bytes(b"%PDF")
    odd = runner.invoke(cli, ["import", "deals", "deals.pdf", "--database-url", db_url])
    assert odd.exit_code == 1 and 'unknown file type ".pdf"' in odd.output
    (tmp_path / "people.csv").write_text("who,when\nalice,today\n", encoding="utf-8")
    columns = runner.invoke(cli, ["import", "activities", "people.csv", "--database-url",
                                  db_url])
    assert columns.exit_code == 1
    assert columns.output.splitlines() == [
        "people.csv: The file does not have the columns to import activities. Expected these "
        "columns:",
        "  - salesbot's export: date, type, customer, member or person (optional: outcome, "
        "notes, next_step, deal, logged_at, follow_up_by, follow_up_done_at); missing: date, "
        "type, customer, member",
        "The file's columns: who, when."]
    Chat(team.deps, team_id="T0OTHER").say("zoe", '/visit "Initech" hi')
    (tmp_path / "c.csv").write_text("name\nAcme\n", encoding="utf-8")
    several = runner.invoke(cli, ["import", "customers", "c.csv", "--database-url", db_url])
    assert several.exit_code == 2
    assert "several workspaces; pick one with --workspace: T0TEST, T0OTHER" in several.output
    unknown = runner.invoke(cli, ["import", "customers", "c.csv", "--workspace", "T0NONE",
                                  "--database-url", db_url])
    assert (unknown.exit_code, unknown.output) == (2, "No workspace T0NONE in this database.\n")
