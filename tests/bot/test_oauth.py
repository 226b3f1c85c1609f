"""Installing salesbot through Slack's install flow, in many workspaces: the install page,
Slack's redirect back (a real state cookie), a forged state, a denied install, an
uninstall and a re-install; two workspaces with the same user and channel ids kept apart."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select

from bot.dispatch import Deps
from bot.logs import configure_logging
from bot.manifest import BOT_SCOPES
from bot.workspaces import notifiers
from jobs.standup import StandupSource
from jobs.ticker import Ticker
from storage.installations import slack_bots, slack_oauth_states
from storage.models import Activity, Deal, Delivery, Workspace
from tests.bot.oauth_helpers import Installed, oauth_app, revoke_bot_token, uninstall
from tests.jobs.recording import utc

PROMPT_AT = utc(2026, 11, 23, 1, 30)  # Monday 09:30 in Shanghai


@pytest.fixture
def installed(deps: Deps, engine: Engine, db_url: str) -> Iterator[Installed]:
    with oauth_app(deps, engine, db_url) as app:
        yield app


def bots(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(select(slack_bots.c.team_id, slack_bots.c.bot_token)).all()
    return {team: token for team, token in rows}


def workspaces(engine: Engine) -> dict[str, bool]:
    with engine.connect() as conn:
        rows = conn.execute(select(Workspace.slack_team_id, Workspace.active)).all()
    return {team: active for team, active in rows}


def test_install_page_then_slack_redirect_stores_the_installation(
        installed: Installed, engine: Engine) -> None:
    link = installed.browser.install_link()
    assert link["scope"].split(",") == BOT_SCOPES  # the manifest's
    assert link["redirect_uri"] == "https://salesbot.example.com/slack/oauth_redirect"
    assert installed.browser.cookies["slack-app-oauth-state"] == link["state"]
    done = installed.browser.install(installed.client.stub, "T0AAA", "Acme")
    assert done.status == 200, done.body
    assert bots(engine) == {"T0AAA": "xoxb-T0AAA-1"}
    assert workspaces(engine) == {"T0AAA": True}
    [exchange] = installed.client.stub.of("oauth.v2.access")
    assert exchange.body["code"] == "code-T0AAA"
    with engine.connect() as conn:  # the install's state was used up: the first visit's is left
        left = conn.execute(select(slack_oauth_states.c.state)).scalars().all()
    assert left == [link["state"]]


def test_a_forged_state_installs_nothing(installed: Installed, engine: Engine) -> None:
    installed.browser.start_install()  # a real state in the cookie, another in the URL
    installed.client.stub.install_codes["code-T0AAA"] = {"id": "T0AAA", "name": "Acme"}
    page = installed.browser.get("/slack/oauth_redirect?code=code-T0AAA&state=forged")
    assert page.status == 400
    # no cookie at all (a link sent to someone else) is refused as well
    installed.browser.cookies.clear()
    state = installed.browser.start_install()
    installed.browser.cookies.clear()
    page = installed.browser.get("/slack/oauth_redirect?" + urlencode(
        {"code": "code-T0AAA", "state": state}))
    assert page.status == 400
    assert installed.client.stub.of("oauth.v2.access") == []
    assert bots(engine) == {} and workspaces(engine) == {}


def test_a_denied_install_installs_nothing(installed: Installed, engine: Engine) -> None:
    state = installed.browser.start_install()
    page = installed.browser.get("/slack/oauth_redirect?" + urlencode(
        {"error": "access_denied", "state": state}))
    assert page.status == 200 and "access_denied" in page.body
    assert installed.client.stub.of("oauth.v2.access") == []
    assert bots(engine) == {} and workspaces(engine) == {}


def test_uninstall_deactivates_and_a_reinstall_resumes(
        installed: Installed, engine: Engine) -> None:
    client, stub = installed.client, installed.client.stub
    installed.browser.install(stub, "T0AAA", "Acme")
    status, _ = client.command("UMIA", "/visit", '"Acme Corp" Met the CTO', team="T0AAA")
    assert status == 200 and "Acme Corp" in client.replies(1)[0]
    assert uninstall(client, "T0AAA") == 200
    assert workspaces(engine) == {"T0AAA": False}  # its data kept
    assert bots(engine) == {}
    with engine.connect() as conn:
        assert len(conn.execute(select(Activity)).all()) == 1
    installed.browser.install(stub, "T0AAA", "Acme")
    assert workspaces(engine) == {"T0AAA": True}
    assert bots(engine) == {"T0AAA": "xoxb-T0AAA-2"}


def test_a_revoked_bot_token_deactivates_the_workspace(
        installed: Installed, engine: Engine) -> None:
    installed.browser.install(installed.client.stub, "T0AAA", "Acme")
    installed.browser.install(installed.client.stub, "T0BBB", "Bolt")
    assert revoke_bot_token(installed.client, "T0AAA") == 200
    assert workspaces(engine) == {"T0AAA": False, "T0BBB": True}
    assert bots(engine) == {"T0BBB": "xoxb-T0BBB-2"}


def test_two_workspaces_with_the_same_ids_stay_apart(
        installed: Installed, engine: Engine, deps: Deps) -> None:
    client, stub = installed.client, installed.client.stub
    for team, name in (("T0AAA", "Acme"), ("T0BBB", "Bolt")):
        installed.browser.install(stub, team, name)
        client.command("UMIA", "/sales", 'team create "East" tz:Asia/Shanghai', team=team)
        client.command("UMIA", "/sales", "team add <@UALICE|alice>", team=team)
        client.command("UMIA", "/standup", "config time:09:30 days:mon-fri", team=team)
    client.command("UALICE", "/deal", 'new "Renewal" customer:"Acme Corp" amount:120k',
                   team="T0AAA")
    assert "D-1" in client.replies(7)[-1]
    client.command("UALICE", "/deal", "D-1", team="T0BBB")
    assert "Acme" not in client.replies(8)[-1]  # Bolt's Alice never sees Acme's deal
    with engine.connect() as conn:
        owners = conn.execute(select(Workspace.slack_team_id).join(
            Deal, Deal.workspace_id == Workspace.id)).scalars().all()
    assert owners == ["T0AAA"]
    # users.info asked with each workspace's own token
    tokens = {c.headers.get("Authorization") for c in stub.of("users.info")}
    assert tokens == {"Bearer xoxb-T0AAA-1", "Bearer xoxb-T0BBB-2"}

    ticker = Ticker(deps.session_factory, notifiers(installed.settings, engine),
                    [StandupSource()])
    report = ticker.tick(PROMPT_AT)
    assert len(report.sent) == 4  # Mia and Alice, in each workspace
    posts = stub.of("chat.postMessage")
    by_token: dict[str, set[str]] = {}
    for call in posts:
        by_token.setdefault(call.headers["Authorization"], set()).add(call.body["channel"])
    assert by_token == {"Bearer xoxb-T0AAA-1": {"UMIA", "UALICE"},
                        "Bearer xoxb-T0BBB-2": {"UMIA", "UALICE"}}


def test_the_home_tab_is_drawn_from_its_own_workspace_with_its_token(
        installed: Installed, engine: Engine) -> None:
    client, stub = installed.client, installed.client.stub
    installed.browser.install(stub, "T0AAA", "Acme")
    installed.browser.install(stub, "T0BBB", "Bolt")
    client.command("UALICE", "/deal", 'new "Renewal" customer:"Acme Corp" amount:120k',
                   team="T0AAA")
    client.replies(1)
    for n, team in enumerate(("T0AAA", "T0BBB"), start=1):
        body = {"token": "legacy", "team_id": team, "api_app_id": "A0SALES",
                "type": "event_callback", "event_id": f"EvHome{n}", "event_time": 1_795_000_000,
                "event": {"type": "app_home_opened", "user": "UALICE", "channel": "DUALICE",
                          "tab": "home", "event_ts": "1795000000.000100"}}
        assert client.post(json.dumps(body), content_type="application/json")[0] == 200
        stub.wait_for(lambda c, n=n: len([x for x in c if x.method == "views.publish"]) >= n)
    acme, bolt = stub.of("views.publish")
    assert acme.headers["Authorization"] == "Bearer xoxb-T0AAA-1"
    assert bolt.headers["Authorization"] == "Bearer xoxb-T0BBB-2"
    assert "Renewal" in json.dumps(acme.body["view"])
    assert "Renewal" not in json.dumps(bolt.body["view"])


def test_a_workspace_salesbot_is_not_installed_in_is_refused(
        installed: Installed, engine: Engine) -> None:
    installed.browser.install(installed.client.stub, "T0AAA", "Acme")
    status, _ = installed.client.command("UMIA", "/visit", '"Acme Corp" Met the CTO',
                                         team="T0ZZZ")
    assert status == 200
    # Bolt tells the user it found no installation, and runs nothing
    [notice] = installed.client.stub.of("response")
    assert "installation" in notice.body["text"]
    assert workspaces(engine) == {"T0AAA": True}  # nothing registered for T0ZZZ


def test_an_uninstalled_workspace_gets_no_deliveries(
        installed: Installed, engine: Engine, deps: Deps) -> None:
    client, stub = installed.client, installed.client.stub
    for team in ("T0AAA", "T0BBB"):
        installed.browser.install(stub, team, team)
        client.command("UMIA", "/sales", 'team create "East" tz:Asia/Shanghai', team=team)
        client.command("UMIA", "/standup", "config time:09:30 days:mon-fri", team=team)
    client.replies(4)
    assert uninstall(client, "T0BBB") == 200
    ticker = Ticker(deps.session_factory, notifiers(installed.settings, engine),
                    [StandupSource()])
    assert len(ticker.tick(PROMPT_AT).sent) == 1
    assert {c.headers["Authorization"] for c in stub.of("chat.postMessage")} == {
        "Bearer xoxb-T0AAA-1"}
    with engine.connect() as conn:
        keys = conn.execute(select(Delivery.workspace_id)).scalars().all()
    assert len(keys) == 1  # nothing was even claimed in the uninstalled workspace


@pytest.fixture
def observed(deps: Deps, engine: Engine, db_url: str) -> Iterator[Installed]:
    with oauth_app(deps, engine, db_url, observed=True) as app:
        yield app


def test_no_log_line_carries_a_token_or_a_request_body(
        observed: Installed, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    """Across an install (the code exchanged for xoxb-/xoxe- tokens), a forged state, a
    command and an uninstall: nothing logged at INFO or above holds a token, the app's
    secret, the code or state, or what the command said; neither the raw records nor the
    JSON lines `run` writes."""
    installed = observed
    client, stub = installed.client, installed.client.stub
    stub.rotating = True  # the exchange returns a refresh token (xoxe-) too
    root = logging.getLogger()
    level, stream = root.level, io.StringIO()
    handler = configure_logging(installed.settings.model_copy(
        update={"log_format": "json"}), stream=stream)
    caplog.set_level(logging.INFO)
    try:
        state = installed.browser.start_install()
        assert installed.browser.install(stub, "T0AAA", "Acme").status == 200
        forged = installed.browser.get("/slack/oauth_redirect?" + urlencode(
            {"code": "code-T0FORGED", "state": "forged-state-0001"}))
        assert forged.status != 200
        client.command("UMIA", "/sales", 'team create "Confidential Ventures" tz:UTC',
                       team="T0AAA")
        assert "Confidential Ventures" in client.replies(1)[-1]
        assert uninstall(client, "T0AAA") == 200
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    [token] = stub.token_teams  # the one bot token the exchange handed out
    assert token.startswith("xoxb-") and bots(engine) == {}  # uninstalled: forgotten
    secrets = [token, "xoxe-", "xoxb-", "test-client-secret", "code-T0AAA", "code-T0FORGED",
               state, "forged-state-0001", "Confidential Ventures", "tz:UTC"]
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.getMessage() for r in records if r.name == "salesbot.request"] and [
        r for r in records if r.getMessage() == "installed in workspace T0AAA"]
    logged = [r.getMessage() + (r.exc_text or "") for r in records] + [stream.getvalue()]
    assert [(s, line) for s in secrets for line in logged if s in line] == []
