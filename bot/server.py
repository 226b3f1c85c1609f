"""HTTP mode: Slack requests at POST /slack/events and a health check at GET /healthz,
served by waitress (a production WSGI server), not Bolt's development server."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.edge import MAX_BODY_BYTES, WSGIApp, bound_log_lines, screened
from storage.db import ping

log = logging.getLogger(__name__)
# Requests served at once. A listener holds its thread until the acknowledgement, and Bolt
# looks for it every 10 ms: at 16 threads that alone caps a server near 1,500 requests/s.
HTTP_THREADS = 16
DRAIN_S = 5.0  # Slack waits 3 s for an acknowledgement: no request should need longer
POLL_S = 1.0  # how often the loop checks for stop() if its wake-up did not arrive
DRAIN_POLL_S = 0.05



def make_wsgi(app: App, engine: Engine, *, signing_secret: str | None = None,
              metrics: WSGIApp | None = None) -> WSGIApp:
    """The WSGI application: Bolt for Slack, plus /healthz that checks the database.

    Slack's requests are screened first (bot.edge): bounded in size, signed with
    `signing_secret` (by default the app's), readable. Log lines are kept bounded too.
    `metrics` serves GET /metrics (bot.metrics; off: 404 like any unknown path).
    """
    bound_log_lines()
    secret = signing_secret or getattr(app, "_signing_secret", None)
    slack = screened(SlackRequestHandler(app, path="/slack/events"), secret)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if metrics is not None and environ.get("PATH_INFO") == "/metrics":
            return metrics(environ, start_response)
        if is_health_check(environ):
            return health(engine, start_response)
        return slack(environ, start_response)

    return wsgi


def is_health_check(environ: dict[str, Any]) -> bool:
    return environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
        "GET", "HEAD")


def health(engine: Engine, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """GET /healthz: 200 when the database answers, else 503."""
    try:
        ping(engine)
    except Exception:  # any database failure means "not healthy"
        log.exception("health check: database unreachable")
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"database unreachable\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def make_server(wsgi: WSGIApp, *, host: str = "0.0.0.0", port: int = 3000,
                threads: int = HTTP_THREADS) -> Any:
    """A waitress server, not yet running: serve it with `Serving(server).run()`."""
    from waitress.server import create_server

    # Refuse bodies over the limit before reading them (waitress's default is 1 GB).
    return create_server(wsgi, host=host, port=port, threads=threads, ident="salesbot",
                         max_request_body_size=MAX_BODY_BYTES)


class Serving:
    """Serve a waitress server until `stop()` (called from another thread or a signal
    handler), then stop gracefully: take no new connections, let the requests in progress
    finish for up to `drain_s` seconds, and close.

    Everything but setting the flag happens in the loop's own thread: waitress's close()
    from another thread races with its select(). `stop()` wakes the loop through the
    server's trigger; should that fail, the loop still looks every POLL_S seconds.
    """

    def __init__(self, server: Any, *, drain_s: float = DRAIN_S) -> None:
        self.server = server
        self.drain_s = drain_s
        self._stopping = threading.Event()
        self.draining = threading.Event()  # set once no new connection is taken

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        from waitress import wasyncore

        sockets = self.server._map
        poll = wasyncore.poll2 if self.server.adj.asyncore_use_poll else wasyncore.poll
        interrupted = True  # until the loop ends normally (a second Ctrl+C does not wait)
        try:
            while sockets and not self._stopping.is_set():
                poll(POLL_S, sockets)
            # The listening socket only: the trigger stays to wake us as replies are ready.
            wasyncore.dispatcher.close(self.server)
            self.draining.set()
            deadline = time.monotonic() + self.drain_s
            while _in_progress(sockets) and time.monotonic() < deadline:
                poll(DRAIN_POLL_S, sockets)
            if _in_progress(sockets):
                log.warning("stopping with requests still in progress after %s s",
                            self.drain_s)
            interrupted = False
        finally:
            # The task threads first: one finishing a request wakes the loop through the
            # trigger, which must still be open (closed, its number may already belong to
            # another file).
            self.server.task_dispatcher.shutdown(timeout=0 if interrupted else self.drain_s)
            wasyncore.close_all(sockets)
            self.draining.set()

    def stop(self) -> None:
        """Ask the server to stop; returns at once (join the thread running run())."""
        self._stopping.set()
        with contextlib.suppress(OSError, ValueError):  # the loop looks again within POLL_S
            self.server.trigger.pull_trigger()


def _in_progress(sockets: dict[int, Any]) -> bool:
    """Whether a connection has a request being received, run, or its reply being sent."""
    from waitress.channel import HTTPChannel

    return any(isinstance(channel, HTTPChannel)
               and (channel.requests or channel.request is not None
                    or channel.total_outbufs_len)
               for channel in list(sockets.values()))
