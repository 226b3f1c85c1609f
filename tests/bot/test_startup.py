"""`salesbot run` that cannot use Slack says why in a line or two and exits, at once."""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path

from tests.bot.helpers import SALESBOT_RUN, salesbot_env
from tests.slack_stub import SlackStub

# far longer than a start-up check may take (5 s); the old code took 30 s or never exited
EXIT_WITHIN_S = 25


def run_to_exit(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(SALESBOT_RUN, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=EXIT_WITHIN_S)


def short_error(result: subprocess.CompletedProcess[str]) -> str:
    """The error `salesbot run` printed, checked to be one or two lines and no traceback."""
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return " ".join(lines)


def test_a_refused_bot_token_is_named_with_what_to_check(tmp_path: Path) -> None:
    with SlackStub() as stub:
        stub.refusals["auth.test"] = "invalid_auth"
        result = run_to_exit(salesbot_env(stub.api_url, f"sqlite:///{tmp_path / 'x.db'}"),
                             tmp_path)
    assert result.returncode == 1
    said = short_error(result)
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth): check" in said
    assert "xoxb-" in said
    assert not (tmp_path / "x.db").exists()  # it stopped before doing anything


def test_slack_unreachable_names_the_address(tmp_path: Path) -> None:
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    api_url = f"http://127.0.0.1:{port}/api/"
    result = run_to_exit(salesbot_env(api_url, f"sqlite:///{tmp_path / 'x.db'}"), tmp_path)
    assert result.returncode == 1
    said = short_error(result)
    assert f"cannot reach Slack at {api_url}: " in said and "refused" in said


def test_slack_not_answering_is_given_up_on_within_seconds(tmp_path: Path) -> None:
    with SlackStub() as stub:
        stub.hold["auth.test"] = threading.Event()  # never answered while salesbot waits
        result = run_to_exit(salesbot_env(stub.api_url, f"sqlite:///{tmp_path / 'x.db'}"),
                             tmp_path)
    assert result.returncode == 1
    said = short_error(result)
    assert f"cannot reach Slack at {stub.api_url}: " in said and "timed out" in said


def test_a_refused_app_token_is_named_and_socket_mode_never_announced(tmp_path: Path) -> None:
    with SlackStub() as stub:
        stub.refusals["apps.connections.open"] = "invalid_auth"
        result = run_to_exit(salesbot_env(stub.api_url, f"sqlite:///{tmp_path / 'x.db'}",
                                          SLACK_APP_TOKEN="xapp-wrong"), tmp_path)
    assert result.returncode == 1
    said = short_error(result)
    assert "SLACK_APP_TOKEN was refused by Slack (invalid_auth): check" in said
    assert "connections:write" in said
    assert "running in Socket Mode" not in result.stdout


def test_a_socket_mode_connection_that_cannot_be_opened_is_said_in_a_line(
        tmp_path: Path) -> None:
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with SlackStub() as stub:
        stub.socket_mode_url = f"ws://127.0.0.1:{port}/link/"
        result = run_to_exit(salesbot_env(stub.api_url, f"sqlite:///{tmp_path / 'x.db'}",
                                          SLACK_APP_TOKEN="xapp-test"), tmp_path)
    assert result.returncode == 1
    # it had started (the log says so); its last word says why it stops
    assert result.stderr.strip().splitlines()[-1].startswith(
        "salesbot cannot start: cannot open the Socket Mode connection to Slack: ")
    assert "Traceback" not in result.stderr
    assert "running in Socket Mode" not in result.stdout
