"""Socket Mode has no HTTP server for Slack, yet with SALESBOT_METRICS=on Prometheus can
scrape GET /metrics on PORT (behind the same bearer token), until salesbot stops."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.metrics import Metrics, MetricsPort, metrics_endpoint
from tests.bot.helpers import SALESBOT_RUN, salesbot_env
from tests.reliability.socket_stub import SocketModeStub
from tests.slack_stub import SlackStub

TOKEN = "metrics-s3cret-token"
START_S = 60  # migrating and starting a process on a busy machine takes a while


def get(port: int, path: str, token: str | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@contextmanager
def metrics_port(engine: Engine, token: str | None) -> Iterator[MetricsPort]:
    metrics = Metrics()
    metrics.requests.labels("command", "ok").inc()
    served = MetricsPort(metrics_endpoint(metrics, token), engine, host="127.0.0.1", port=0)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def test_the_metrics_port_asks_for_the_token_and_serves_the_metrics(engine: Engine) -> None:
    with metrics_port(engine, TOKEN) as served:
        assert get(served.port, "/metrics")[0] == 401
        assert get(served.port, "/metrics", "wrong")[0] == 401
        status, body = get(served.port, "/metrics", TOKEN)
    assert status == 200
    assert 'salesbot_requests_total{kind="command",outcome="ok"} 1.0' in body


def test_the_metrics_port_serves_health_and_nothing_of_slack(engine: Engine) -> None:
    with metrics_port(engine, None) as served:
        assert get(served.port, "/metrics")[0] == 200  # no token set: open
        assert get(served.port, "/healthz") == (200, "ok\n")
        assert get(served.port, "/slack/events")[0] == 404


def test_a_stopped_metrics_port_is_closed(engine: Engine) -> None:
    with metrics_port(engine, None) as served:
        port = served.port
    with pytest.raises(ConnectionRefusedError):
        get(port, "/metrics")


def test_a_metrics_port_never_started_closes_when_stopped(engine: Engine) -> None:
    served = MetricsPort(metrics_endpoint(Metrics(), None), engine, host="127.0.0.1", port=0)
    served.stop()
    with pytest.raises(ConnectionRefusedError):
        get(served.port, "/metrics")


def test_salesbot_run_in_socket_mode_serves_metrics_until_it_stops(db_url: str,
                                                                    tmp_path: Path) -> None:
    with SlackStub() as slack, SocketModeStub() as socket_mode:
        slack.add_user("UALICE", "Alice", "Asia/Shanghai")
        slack.socket_mode_url = socket_mode.url
        env = salesbot_env(slack.api_url, db_url, SLACK_APP_TOKEN="xapp-test",
                           SALESBOT_METRICS="on", SALESBOT_METRICS_TOKEN=TOKEN)
        proc = subprocess.Popen(SALESBOT_RUN, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        watchdog = threading.Timer(START_S, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None
            seen: list[str] = []
            port = None
            for line in proc.stdout:
                seen.append(line)
                if found := re.search(r"Metrics at http://0\.0\.0\.0:(\d+)/metrics", line):
                    port = int(found.group(1))
                if "running in Socket Mode" in line:
                    break
            assert port is not None, "".join(seen)
            socket_mode.wait_connections(1)
            sent = socket_mode.send(socket_mode.slash_command(
                "UALICE", "/visit", "Acme call", trigger="1.trigger",
                response_url=slack.response_url(1)))
            socket_mode.wait_ack(sent)

            assert get(port, "/metrics")[0] == 401
            status, body = get(port, "/metrics", TOKEN)
            assert status == 200
            assert 'salesbot_commands_total{command="visit"' in body
            assert get(port, "/slack/events")[0] == 404

            proc.send_signal(signal.SIGTERM)
            rest = proc.stdout.read()
            assert proc.wait(START_S) == 0, rest
            assert "salesbot stopped." in rest
            with pytest.raises(ConnectionRefusedError):
                get(port, "/metrics")
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
