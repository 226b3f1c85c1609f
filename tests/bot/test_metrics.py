"""Running it: GET /metrics counts what happened, and every log line is fit to ship (one
per request and delivery, JSON when asked, never a token or a message's text)."""

from __future__ import annotations

import http.client
import io
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from bot.app import create_app
from bot.dispatch import Deps
from bot.logs import RedactSecrets, configure_logging
from bot.metrics import DeliveryObserver, Metrics, Observability, observe
from bot.server import Serving, make_server, make_wsgi
from bot.settings import Settings
from jobs.notify import SendFailed
from jobs.ticker import Ticker
from storage.models import Workspace
from tests.bot.http_helpers import SECRET, Client
from tests.conftest import Chat
from tests.jobs.recording import DUE, ListSource, RecordingNotifier, note
from tests.slack_stub import SlackStub

TOKEN = "metrics-s3cret-token"
# Shaped like a real bot token, typed into a command: it must never reach a log line
LEAKED = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"


def settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SALESBOT_METRICS", "SALESBOT_METRICS_TOKEN", "SALESBOT_LOG_FORMAT"):
        monkeypatch.delenv(var, raising=False)


@contextmanager
def watched_app(deps: Deps, engine: Engine,
                config: Settings) -> Iterator[tuple[Client, Observability]]:
    """The app served over HTTP as `salesbot run` wires it, Slack being a local stub."""
    with SlackStub() as stub:
        stub.add_user("UALICE", "Alice", "America/Los_Angeles")
        app = create_app(deps, token="xoxb-test", signing_secret=SECRET, api_url=stub.api_url)
        watch = observe(app, engine, config, deps.session_factory)
        serving = Serving(make_server(make_wsgi(app, engine, metrics=watch.endpoint),
                                      host="127.0.0.1", port=0, threads=4))
        thread = threading.Thread(target=serving.run, daemon=True)
        thread.start()
        try:
            yield Client(serving.port, stub), watch
        finally:
            serving.stop()
            thread.join(timeout=10)


def get(port: int, path: str, **headers: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    out = resp.status, resp.read().decode()
    conn.close()
    return out


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log line, as `salesbot run` writes them with SALESBOT_LOG_FORMAT=json."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = configure_logging(settings(SALESBOT_LOG_FORMAT="json",
                                         SLACK_SIGNING_SECRET=SECRET), stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_metrics_are_off_by_default(deps: Deps, engine: Engine) -> None:
    with watched_app(deps, engine, settings()) as (slack, watch):
        assert watch.metrics is None and watch.endpoint is None
        assert get(slack.port, "/metrics")[0] == 404
        assert get(slack.port, "/healthz")[0] == 200


def test_metrics_ask_for_the_bearer_token_when_one_is_set(deps: Deps, engine: Engine) -> None:
    config = settings(SALESBOT_METRICS="on", SALESBOT_METRICS_TOKEN=TOKEN)
    with watched_app(deps, engine, config) as (slack, _):
        assert get(slack.port, "/metrics")[0] == 401
        assert get(slack.port, "/metrics", Authorization="Bearer wrong")[0] == 401
        assert get(slack.port, "/metrics", Authorization=TOKEN)[0] == 401
        status, text = get(slack.port, "/metrics", Authorization=f"Bearer {TOKEN}")
    assert status == 200 and "salesbot_ack_latency_seconds" in text


def test_commands_are_counted_by_name_outcome_and_workspace(deps: Deps,
                                                            engine: Engine) -> None:
    with watched_app(deps, engine, settings(SALESBOT_METRICS="on")) as (slack, _):
        assert slack.command("UALICE", "/visit", '"Acme Corp" type:demo outcome:positive '
                             "on:yesterday Met the CTO")[0] == 200
        assert slack.command("UALICE", "/deal", "D-99")[0] == 200  # no such deal
        slack.replies(2)
        status, text = get(slack.port, "/metrics")
    assert status == 200
    assert ('salesbot_commands_total{command="visit",outcome="ok",workspace="T0TEST"} 1.0'
            in text)
    assert ('salesbot_commands_total{command="deal",outcome="usage_error",'
            'workspace="T0TEST"} 1.0' in text)
    assert 'salesbot_requests_total{kind="command",outcome="usage_error"} 1.0' in text
    assert 'salesbot_ack_latency_seconds_count{kind="command"} 2.0' in text
    assert 'salesbot_db_pool_connections{state="in_use"} 0.0' in text
    assert 'salesbot_db_pool_connections{state="overflow"} 0.0' in text


def test_deliveries_are_counted_by_kind_and_status(team: Chat) -> None:
    metrics = Metrics()
    notifier = RecordingNotifier()
    with team.deps.session_factory() as session:
        ws = session.scalars(select(Workspace)).one()
    ticker = Ticker(team.deps.session_factory, notifier,
                    [ListSource([note(ws.id), note(ws.id, "team:2")])],
                    observer=DeliveryObserver(metrics, team.deps.session_factory))
    notifier.fail_on[2] = SendFailed("ratelimited", retry_after=1)
    ticker.tick(DUE + timedelta(minutes=5))
    text = metrics.exposition().decode()
    assert ('salesbot_deliveries_total{kind="note",status="sent",workspace="T0TEST"} 1.0'
            in text)
    assert ('salesbot_deliveries_total{kind="note",status="retried",workspace="T0TEST"} 1.0'
            in text)
    assert "salesbot_ticker_duration_seconds_count 1.0" in text
    # the one sent went out 5 minutes after it was due
    assert 'salesbot_ticker_lag_seconds_bucket{kind="note",le="300.0"} 1.0' in text
    assert 'salesbot_ticker_lag_seconds_bucket{kind="note",le="120.0"} 0.0' in text
    stamp = (DUE + timedelta(minutes=5)).timestamp()
    assert metrics.registry.get_sample_value(
        "salesbot_ticker_last_run_timestamp_seconds") == stamp


def test_each_request_is_one_json_line_with_no_token_or_text(
        deps: Deps, engine: Engine, log_lines: io.StringIO) -> None:
    with watched_app(deps, engine, settings()) as (slack, _):
        slack.command("UALICE", "/visit", f'"Zanzibar Spice" type:demo outcome:positive '
                      f"on:yesterday pasted {LEAKED} by mistake")
        slack.command("UALICE", "/deal", f"D-42 {LEAKED}")
        slack.replies(2)
    lines = parsed(log_lines)
    requests = [ln for ln in lines if ln["logger"] == "salesbot.request"]
    assert [(r["workspace"], r["command"], r["outcome"]) for r in requests] == [
        ("T0TEST", "visit", "ok"), ("T0TEST", "deal", "usage_error")]
    assert all(isinstance(r["duration_ms"], float) for r in requests)
    everything = log_lines.getvalue()
    for secret in ("xoxb-", "Zanzibar", "by mistake", SECRET, "xoxb-test"):
        assert secret not in everything


def test_each_delivery_is_one_line(team: Chat, log_lines: io.StringIO) -> None:
    with team.deps.session_factory() as session:
        ws = session.scalars(select(Workspace)).one()
    Ticker(team.deps.session_factory, RecordingNotifier(), [ListSource([note(ws.id)])],
           observer=DeliveryObserver(None, team.deps.session_factory)).tick(DUE)
    [line] = [ln for ln in parsed(log_lines) if ln["logger"] == "salesbot.delivery"]
    assert (line["workspace"], line["kind"], line["outcome"]) == ("T0TEST", "note", "sent")
    assert isinstance(line["duration_ms"], float)


def test_tokens_are_redacted_whatever_logs_them(log_lines: io.StringIO) -> None:
    log = logging.getLogger("salesbot.test")
    log.warning("calling Slack with %s", LEAKED)
    log.warning("app token xapp-1-A0SALES-123-abcdef and user token xoxp-99-aa")
    try:
        raise RuntimeError(f"refused {LEAKED}")
    except RuntimeError:
        log.exception("the signing secret is %s", SECRET)
    text = log_lines.getvalue()
    assert "xoxb-" not in text and "xapp-" not in text and "xoxp-" not in text
    assert SECRET not in text and text.count("[redacted]") >= 5
    assert len(parsed(log_lines)) == 3


def test_plain_text_is_the_default_format() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(settings(), stream=stream)
    try:
        logging.getLogger("salesbot.test").info("hello %s", LEAKED)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    line = stream.getvalue().strip()
    assert line.endswith("INFO salesbot.test hello [redacted]")
    assert any(isinstance(f, RedactSecrets) for f in handler.filters)
