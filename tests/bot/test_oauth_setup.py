"""OAuth mode's configuration: the tables match slack_sdk's stores, the manifest's
redirect URL, what `salesbot run` asks for, and token rotation."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table
from typer.testing import CliRunner

from bot.cli import cli
from bot.oauth import installation_store
from bot.workspaces import token_source
from storage.installations import slack_bots, slack_installations, slack_oauth_states
from tests.bot.helpers import salesbot_env, salesbot_running
from tests.bot.http_helpers import SECRET, Client
from tests.bot.oauth_helpers import CLIENT_ID, PUBLIC_URL, Browser, oauth_mode
from tests.slack_stub import SlackStub

runner = CliRunner()


def shape(table: Table) -> list[tuple[str, str, bool]]:
    return [(c.name, repr(c.type), bool(c.nullable)) for c in table.columns]


def test_the_tables_are_the_ones_slack_sdk_reads_and_writes() -> None:
    metadata = MetaData()
    theirs = {
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots"),
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
            metadata, "slack_installations"),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
            metadata, "slack_oauth_states"),
    }
    for ours in (slack_bots, slack_installations, slack_oauth_states):
        assert shape(ours) == shape(theirs[ours.name]), ours.name
        assert {i.name: [c.name for c in i.columns] for i in ours.indexes} == \
            {i.name: [c.name for c in i.columns] for i in theirs[ours.name].indexes}


@pytest.mark.usefixtures("clean_env")
def test_manifest_with_oauth_adds_the_redirect_url() -> None:
    result = runner.invoke(cli, ["manifest", "--url", "https://salesbot.example.com/",
                                 "--oauth"])
    assert result.exit_code == 0, result.output
    oauth = yaml.safe_load(result.output)["oauth_config"]
    assert oauth["redirect_urls"] == ["https://salesbot.example.com/slack/oauth_redirect"]
    assert "commands" in oauth["scopes"]["bot"]
    plain = yaml.safe_load(runner.invoke(cli, ["manifest", "--url", "https://x.example"]).output)
    assert "redirect_urls" not in plain["oauth_config"]
    refused = runner.invoke(cli, ["manifest", "--socket-mode", "--oauth"])
    assert refused.exit_code == 2 and "--oauth needs --url" in refused.output


@pytest.mark.usefixtures("clean_env")
def test_run_in_oauth_mode_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "111.222")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    result = runner.invoke(cli, ["run"])
    assert result.exit_code == 2
    for needed in ("SLACK_CLIENT_SECRET", "SALESBOT_PUBLIC_URL", "HTTP mode"):
        assert needed in result.output
    assert "SLACK_BOT_TOKEN" not in result.output  # each workspace's comes from its install


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as s:
        yield s


def save_bot(engine: Engine, stub: SlackStub, team: str, *, expires_in: int | None) -> None:
    settings = oauth_mode(stub.api_url, str(engine.url))
    stub.token_teams[f"xoxb-{team}-old"] = team
    installation_store(settings, engine).save_bot(Bot(
        app_id="A0SALES", enterprise_id=None, team_id=team, bot_token=f"xoxb-{team}-old",
        bot_id="B1", bot_user_id="UB1", bot_scopes="commands",
        bot_refresh_token=f"xoxe-1-{team}-old" if expires_in is not None else None,
        bot_token_expires_in=expires_in, installed_at=datetime.now(UTC).timestamp()))


def test_an_expiring_token_is_rotated_before_use(engine: Engine, stub: SlackStub) -> None:
    stub.rotating = True
    save_bot(engine, stub, "T0AAA", expires_in=60)  # expires within the hour
    tokens = token_source(oauth_mode(stub.api_url, str(engine.url)), engine)
    fresh = tokens.bot_token("T0AAA")
    assert fresh is not None and fresh != "xoxb-T0AAA-old"
    [refresh] = stub.of("oauth.v2.access")
    assert refresh.body["grant_type"] == "refresh_token"
    assert tokens.bot_token("T0AAA") == fresh  # kept: not refreshed again
    assert tokens.bot_token("T0NONE") is None


def test_a_token_far_from_expiry_is_used_as_is(engine: Engine, stub: SlackStub) -> None:
    save_bot(engine, stub, "T0AAA", expires_in=int(timedelta(hours=12).total_seconds()))
    tokens = token_source(oauth_mode(stub.api_url, str(engine.url)), engine)
    assert tokens.bot_token("T0AAA") == "xoxb-T0AAA-old"
    assert stub.of("oauth.v2.access") == []


def test_salesbot_run_in_oauth_mode_installs_and_answers(tmp_path: Path) -> None:
    """The real `salesbot run`, with a command worker process: install, then a command."""
    with SlackStub() as stub:
        stub.add_user("UMIA", "Mia", "Asia/Shanghai")
        env = salesbot_env(stub.api_url, f"sqlite:///{tmp_path / 'salesbot.db'}",
                           SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET=SECRET,
                           SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET="test-client-secret",
                           SALESBOT_PUBLIC_URL=PUBLIC_URL, SALESBOT_COMMAND_WORKERS="1")
        with salesbot_running(env, tmp_path) as run:
            assert Browser(run.port).install(stub, "T0AAA", "Acme").status == 200
            client = Client(run.port, stub)
            client.command("UMIA", "/visit", '"Acme Corp" Met the CTO', team="T0AAA")
            assert "Acme Corp" in client.replies(1)[0]
            [lookup] = stub.of("users.info")  # from the worker, with the workspace's token
            assert lookup.headers["Authorization"] == "Bearer xoxb-T0AAA-1"
            run.proc.send_signal(signal.SIGTERM)
            rest, _ = run.proc.communicate(timeout=60)
    assert run.proc.returncode == 0, "".join(run.seen) + rest
    assert "Traceback" not in "".join(run.seen) + rest
