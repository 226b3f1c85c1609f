"""HTTP mode: Slack requests at POST /slack/events and a health check at GET /healthz,
served by waitress (a production WSGI server), not Bolt's development server."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(app: App, engine: Engine) -> WSGIApp:
    """The WSGI application: Bolt for Slack, plus /healthz that checks the database."""
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
            "GET", "HEAD"
        ):
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:  # any database failure means "not healthy"
                log.exception("health check: database unreachable")
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"database unreachable\n"]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return wsgi


def make_server(wsgi: WSGIApp, *, host: str = "0.0.0.0", port: int = 3000,
                threads: int = 8) -> Any:
    """A waitress server (not yet running); call .run() to serve and .close() to stop."""
    from waitress.server import create_server

    return create_server(wsgi, host=host, port=port, threads=threads, ident="salesbot")


def stop_server(server: Any) -> None:
    """Stop a server running in another thread: its sockets are closed by its own loop,
    which then returns from run()."""
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
