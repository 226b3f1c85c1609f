"""HTTP mode's server stops gracefully: on stop() (Ctrl+C or SIGTERM for `salesbot run`) it
takes no new connections, answers the requests in progress, then closes."""

from __future__ import annotations

import errno
import http.client
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.server import Serving, make_server
from tests.bot.helpers import salesbot_env, salesbot_running
from tests.slack_stub import SlackStub

WAIT_S = 10


class SlowApp:
    """A WSGI app whose /slow request runs until the test releases it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/slow":
            self.entered.set()
            assert self.release.wait(WAIT_S), "the test never released the request"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]


@pytest.fixture
def slow() -> Iterator[SlowApp]:
    app = SlowApp()
    yield app
    app.release.set()


def start(app: SlowApp, **kw: Any) -> tuple[Serving, threading.Thread]:
    serving = Serving(make_server(app, host="127.0.0.1", port=0, threads=2), **kw)
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    return serving, thread


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_S)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def in_background(port: int, path: str) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def fetch() -> None:
        try:
            out.append(get(port, path))
        except Exception as exc:  # the test asserts on what came back
            out.append(exc)

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    return thread, out


def test_stop_answers_the_request_in_progress_and_refuses_new_ones(slow: SlowApp) -> None:
    serving, thread = start(slow)
    assert get(serving.port, "/quick") == (200, "done")
    client, answered = in_background(serving.port, "/slow")
    assert slow.entered.wait(WAIT_S)

    serving.stop()
    assert serving.draining.wait(WAIT_S)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", serving.port), timeout=WAIT_S)
    assert thread.is_alive(), "the server stopped before its request was answered"

    slow.release.set()
    client.join(WAIT_S)
    assert answered == [(200, "done")]
    thread.join(WAIT_S)
    assert not thread.is_alive(), "the server did not stop after its last request"


def test_a_request_still_running_after_the_drain_time_does_not_hold_the_stop(
        slow: SlowApp) -> None:
    serving, thread = start(slow, drain_s=0)
    client, answered = in_background(serving.port, "/slow")
    assert slow.entered.wait(WAIT_S)
    serving.stop()
    thread.join(WAIT_S)
    assert not thread.is_alive(), "a stuck request kept the server from stopping"
    slow.release.set()
    client.join(WAIT_S)
    assert len(answered) == 1 and isinstance(answered[0], ConnectionError)


def test_a_second_ctrl_c_stops_without_waiting_for_the_requests_in_progress(
        slow: SlowApp, monkeypatch: pytest.MonkeyPatch) -> None:
    from waitress import wasyncore

    real_poll = wasyncore.poll

    def poll(timeout: float, sockets: dict[int, Any]) -> None:
        if serving.stopping:
            raise KeyboardInterrupt  # what `salesbot run` raises on a second Ctrl+C
        real_poll(timeout, sockets)

    monkeypatch.setattr(wasyncore, "poll", poll)
    serving = Serving(make_server(slow, host="127.0.0.1", port=0, threads=2),
                      drain_s=WAIT_S * 3)
    ended: list[str] = []

    def run() -> None:
        try:
            serving.run()
        except KeyboardInterrupt:
            ended.append("interrupted")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    in_background(serving.port, "/slow")
    assert slow.entered.wait(WAIT_S)
    serving.stop()
    thread.join(WAIT_S)
    assert not thread.is_alive(), "the server waited for the request after all"
    assert ended == ["interrupted"]


def test_stop_still_stops_the_server_when_its_wake_up_fails(
        slow: SlowApp, monkeypatch: pytest.MonkeyPatch) -> None:
    # The loop is woken through a pipe; should writing to it fail (CI once saw EBADF
    # there), stop() must neither raise nor leave the server running.
    serving, thread = start(slow)
    assert get(serving.port, "/quick") == (200, "done")

    def broken(*_args: Any) -> None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    monkeypatch.setattr(serving.server.trigger, "pull_trigger", broken)
    serving.stop()
    thread.join(WAIT_S)
    assert not thread.is_alive(), "the server kept running after stop()"


def test_a_request_finishing_as_the_server_stops_still_finds_its_trigger_open(
        slow: SlowApp, monkeypatch: pytest.MonkeyPatch) -> None:
    # A request's thread wakes the loop once more after its reply is sent. Were the
    # sockets closed first, that write would go to a closed pipe (EBADF), or to whatever
    # file has since been given its number: waitress's threads must stop first.
    serving, thread = start(slow)
    server = serving.server
    at_the_end, go_on, closing = threading.Event(), threading.Event(), threading.Event()
    woken: list[Any] = []
    pull, shutdown, close = server.pull_trigger, server.task_dispatcher.shutdown, \
        server.trigger.close

    def pull_at_the_end() -> None:
        if sys._getframe(1).f_code.co_name == "service" and serving.stopping:
            at_the_end.set()  # the request is done; hold its thread here
            assert go_on.wait(WAIT_S)
        try:
            pull()
            woken.append("ok")
        except OSError as exc:
            woken.append(exc)

    def closing_then(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kw: Any) -> Any:
            closing.set()
            return real(*args, **kw)
        return wrapped

    monkeypatch.setattr(server, "pull_trigger", pull_at_the_end)
    monkeypatch.setattr(server.task_dispatcher, "shutdown", closing_then(shutdown))
    monkeypatch.setattr(server.trigger, "close", closing_then(close))
    client, answered = in_background(serving.port, "/slow")
    assert slow.entered.wait(WAIT_S)
    serving.stop()
    slow.release.set()
    assert at_the_end.wait(WAIT_S)
    assert closing.wait(WAIT_S)  # the loop has begun to shut down...
    go_on.set()  # ...and now the request's thread wakes it
    client.join(WAIT_S)
    thread.join(WAIT_S)
    assert answered == [(200, "done")]
    assert woken and woken[-1] == "ok", woken
    assert not thread.is_alive()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_salesbot_run_stops_cleanly_on_sigterm_and_ctrl_c(
        tmp_path: Path, signum: signal.Signals) -> None:
    with SlackStub() as stub, salesbot_running(
            salesbot_env(stub.api_url, f"sqlite:///{tmp_path / 'salesbot.db'}"),
            tmp_path) as run:
        proc, port, seen = run.proc, run.port, run.seen
        assert port != 0  # the port it really listens on, when PORT=0 picks one
        assert get(port, "/healthz") == (200, "ok\n")

        proc.send_signal(signum)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(seen) + rest
    assert rest.rstrip().endswith("salesbot stopped."), rest
    assert "Traceback" not in rest
