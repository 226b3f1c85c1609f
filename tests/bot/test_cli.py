"""The salesbot command line, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli

runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env, and ./salesbot.db lands here


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
