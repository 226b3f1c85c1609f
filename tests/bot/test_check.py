"""`salesbot check`: what is ready, what to fix, and a non-zero exit on any problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.manifest import BOT_SCOPES
from storage.db import upgrade
from tests.slack_stub import SlackStub

runner = CliRunner()
BOT_TOKEN = "xoxb-111-222-checkme"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as s:
        yield s


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ready.db'}"
    upgrade(url)
    return url


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stub: SlackStub) -> None:
    for var in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SALESBOT_PUBLIC_URL",
                "DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "check-signing-secret")
    monkeypatch.setenv("SLACK_API_URL", stub.api_url)
    monkeypatch.chdir(tmp_path)  # no stray .env


def check(url: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["check", "--database-url", url])
    assert "Traceback" not in result.output
    assert BOT_TOKEN not in result.output and "check-signing-secret" not in result.output
    return result.exit_code, result.output


def test_a_ready_configuration_passes(migrated: str) -> None:
    code, out = check(migrated)
    assert code == 0, out
    assert "ok    database: reachable, at the latest revision" in out
    assert "ok    bot token: taken by Slack (workspace T0TEST)" in out
    assert f"ok    scopes: every scope the manifest asks for ({len(BOT_SCOPES)})" in out
    assert "ok    signing secret" in out and "FAIL" not in out


def test_a_refused_bot_token_fails_and_says_what_to_fix(migrated: str,
                                                        stub: SlackStub) -> None:
    stub.refusals["auth.test"] = "invalid_auth"
    code, out = check(migrated)
    assert code == 1
    assert "FAIL  bot token: SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in out
    assert "Fix: copy the Bot User OAuth Token again" in out


def test_a_missing_scope_is_named(migrated: str, stub: SlackStub) -> None:
    stub.scopes = [s for s in BOT_SCOPES if s not in ("files:write", "im:write")]
    stub.scopes.append("channels:history")  # more than asked for is not a problem
    code, out = check(migrated)
    assert code == 1
    assert "FAIL  scopes: the bot token lacks im:write, files:write" in out
    assert "reinstall the app" in out


def test_an_unmigrated_database_fails(tmp_path: Path) -> None:
    code, out = check(f"sqlite:///{tmp_path / 'empty.db'}")
    assert code == 1
    assert "FAIL  database: at revision none (empty), the latest is" in out
    assert "salesbot db upgrade" in out
    assert "ok    bot token" in out  # the other checks still ran


def test_an_unreachable_database_fails() -> None:
    code, out = check("postgresql+psycopg://salesbot@127.0.0.1:1/salesbot")
    assert code == 1
    assert "FAIL  database: cannot connect" in out and "DATABASE_URL" in out


def test_no_token_and_no_signing_secret_are_both_named(
        migrated: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    code, out = check(migrated)
    assert code == 1
    assert "FAIL  bot token: SLACK_BOT_TOKEN is not set" in out
    assert "FAIL  signing secret" in out and "2 problems" in out


def test_socket_mode_checks_the_app_token(migrated: str, stub: SlackStub,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0-1-abc")
    code, out = check(migrated)  # the stub refuses apps.connections.open until given a URL
    assert code == 1 and "FAIL  app token: SLACK_APP_TOKEN was refused" in out
    stub.socket_mode_url = "ws://127.0.0.1:1/socket"
    code, out = check(migrated)
    assert code == 0 and "ok    app token" in out and "xapp-1" not in out


def test_the_install_flow_needs_a_public_https_url(migrated: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "check-client-secret")
    code, out = check(migrated)
    assert code == 1 and "FAIL  public URL" in out and "SALESBOT_PUBLIC_URL" in out
    monkeypatch.setenv("SALESBOT_PUBLIC_URL", "http://salesbot.example.com")
    code, out = check(migrated)
    assert code == 1 and "is not an https:// address" in out
    monkeypatch.setenv("SALESBOT_PUBLIC_URL", "https://salesbot.example.com")
    code, out = check(migrated)
    assert code == 0 and "ok    public URL: https://salesbot.example.com" in out


def test_the_install_flow_needs_its_secret_and_http_mode_as_run_does(
        migrated: str, stub: SlackStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "123.456")
    monkeypatch.setenv("SALESBOT_PUBLIC_URL", "https://salesbot.example.com")
    code, out = check(migrated)
    assert code == 1 and "FAIL  install flow: needs SLACK_CLIENT_SECRET" in out
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "check-client-secret")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0-1-abc")
    stub.socket_mode_url = "ws://127.0.0.1:1/socket"
    code, out = check(migrated)
    assert code == 1 and "FAIL  install flow: needs HTTP mode" in out
    monkeypatch.delenv("SLACK_APP_TOKEN")
    code, out = check(migrated)
    assert code == 0 and "ok    install flow: client secret set, HTTP mode" in out
    assert "check-client-secret" not in out
