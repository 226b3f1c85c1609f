"""`salesbot tick` and `salesbot deliveries`, run in-process."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.dispatch import Deps
from bot.logs import RedactSecrets
from jobs.notify import SendFailed
from tests.conftest import Chat
from tests.jobs.recording import RecordingNotifier, deliveries, make_ticker, utc
from tests.slack_stub import SlackStub

runner = CliRunner()
MONDAY_0930 = "2026-11-23T09:30:00+08:00"
pytestmark = pytest.mark.usefixtures("clean_env", "root_logging")


@pytest.fixture
def standup(team: Chat) -> Chat:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    return team


def test_tick_dry_run_shows_what_is_due_and_claims_nothing(standup: Chat, db_url: str) -> None:
    result = runner.invoke(cli, ["tick", "--at", MONDAY_0930, "--dry-run",
                                 "--database-url", db_url])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "dry run: nothing claimed or sent" in out
    assert out.count("standup_prompt") == 3 and out.count("would send") == 3
    assert "2026-11-23 09:30 standup_prompt member:2 (alice) 2026-11-23: would send" in out
    assert "to DM UALICE:" in out and "Time for the East stand-up (Mon 23 Nov)" in out
    assert deliveries(standup.deps.session_factory) == {}
    early = runner.invoke(cli, ["tick", "--at", "2026-11-23T09:00:00+08:00", "--dry-run",
                                "--database-url", db_url])
    assert early.exit_code == 0 and "Nothing is due" in early.output


def test_tick_needs_a_token_to_send_and_an_offset(standup: Chat, db_url: str) -> None:
    result = runner.invoke(cli, ["tick", "--at", MONDAY_0930, "--database-url", db_url])
    assert result.exit_code == 2 and "SLACK_BOT_TOKEN" in result.output
    assert "--dry-run" in result.output
    naive = runner.invoke(cli, ["tick", "--at", "2026-11-23T09:30", "--dry-run",
                                "--database-url", db_url])
    assert naive.exit_code == 2 and "UTC offset" in naive.output


def test_tick_sends_through_slack(standup: Chat, db_url: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with SlackStub() as stub:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", stub.api_url)
        result = runner.invoke(cli, ["tick", "--at", MONDAY_0930, "--database-url", db_url])
        assert result.exit_code == 0, result.output
        assert "3 sent" in result.output
        assert sorted(c.body["channel"] for c in stub.of("chat.postMessage")) == [
            "UALICE", "UBOB", "UMIA"]  # posted in each one's DM, with no conversations.open
        assert stub.of("conversations.open") == []
        again = runner.invoke(cli, ["tick", "--at", MONDAY_0930, "--database-url", db_url])
        assert "0 sent" in again.output and len(stub.of("chat.postMessage")) == 3


def test_deliveries_lists_what_was_sent_skipped_or_failed(
        standup: Chat, deps: Deps, db_url: str) -> None:
    empty = runner.invoke(cli, ["deliveries", "--database-url", db_url])
    assert "Nothing has been scheduled yet" in empty.output
    notifier = RecordingNotifier()
    notifier.failures = [SendFailed("channel_not_found", permanent=True)]
    make_ticker(deps, notifier).tick(utc(2026, 11, 23, 1, 30))
    result = runner.invoke(cli, ["deliveries", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["due", "(UTC)", "kind", "subject"]
    assert sum("sent" in line for line in lines) == 2
    failed = runner.invoke(cli, ["deliveries", "--failed", "--database-url", db_url])
    [header, row] = failed.output.splitlines()
    assert "last error" in header
    assert row.split()[:3] == ["2026-11-23", "01:30", "standup_prompt"]
    assert header.index("status") == row.index("failed")  # columns line up
    assert row.split()[-3:] == ["failed", "1", "channel_not_found"]
    assert re.search(r" member:\d+ \((alice|bob|mia)\) ", row)  # who, not only an id
    limited = runner.invoke(cli, ["deliveries", "--limit", "1", "--database-url", db_url])
    assert len(limited.output.splitlines()) == 2


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Put back the root logger's handlers and level `salesbot tick` replaced (its handler
    writes to the runner's stderr, gone after the test)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_tick_logs_as_run_does_json_and_no_token(standup: Chat, db_url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with SlackStub() as stub:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-tick-secret")
        monkeypatch.setenv("SLACK_API_URL", stub.api_url)
        monkeypatch.setenv("SALESBOT_LOG_FORMAT", "json")
        result = runner.invoke(cli, ["tick", "--at", MONDAY_0930, "--database-url", db_url])
        assert result.exit_code == 0, result.output
    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "salesbot", False)]
    assert any(isinstance(f, RedactSecrets) and "xoxb-1-tick-secret" in f.secrets
               for f in handler.filters)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    delivered = [line for line in lines if line["logger"] == "salesbot.delivery"]
    assert len(delivered) == 3
    assert {(d["workspace"], d["kind"], d["outcome"]) for d in delivered} == {
        ("T0TEST", "standup_prompt", "sent")}
    assert "xoxb-1-tick-secret" not in result.stderr + result.output
