"""Watching salesbot run: Prometheus metrics at GET /metrics and the request and delivery
log lines (bot.logs).

Metrics are off unless SALESBOT_METRICS=on; with SALESBOT_METRICS_TOKEN set, /metrics asks
for `Authorization: Bearer <token>`. HTTP mode serves /metrics beside Slack's requests
(bot.server); Socket Mode, which has no HTTP server of its own, serves it on PORT with
`MetricsPort`. Each app has its own registry (never
prometheus_client's global one), so two apps in one process, tests included, count apart.

- salesbot_commands_total{command, outcome, workspace}: slash commands; outcome ok,
  usage_error, denied, slack_error, error, duplicate, late (acknowledged before its answer
  was ready), form (a form opened)
- salesbot_requests_total{kind, outcome} and salesbot_ack_latency_seconds{kind}: every
  Slack request (command, action, view, options, event) until it was acknowledged
- salesbot_deliveries_total{kind, status, workspace}: scheduled posts; status sent,
  retried, failed, skipped
- salesbot_ticker_duration_seconds, salesbot_ticker_last_run_timestamp_seconds, and
  salesbot_ticker_lag_seconds{kind}: how long after it was due each delivery went out
- salesbot_db_pool_connections{state} and salesbot_db_pool_size: this process's pool
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.logs import log_delivery, log_request
from bot.server import Serving, health, is_health_check, make_server
from bot.settings import Settings
from commands.core.errors import PermissionDenied, UsageError
from storage.models import Workspace

if TYPE_CHECKING:
    from bot.edge import WSGIApp
    from jobs.ticker import DueItem, TickReport

log = logging.getLogger(__name__)

OUTCOME = "salesbot_outcome"  # where a listener leaves how its command went, in the context
ACK_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
TICK_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 7200.0)
METRICS_THREADS = 2  # Socket Mode's metrics port: a scraper or two, and a health check


class Metrics:
    """salesbot's metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter("salesbot_commands", "Slash commands, by command, outcome "
                                "and workspace", ["command", "outcome", "workspace"],
                                registry=r)
        self.requests = Counter("salesbot_requests", "Slack requests, by kind and outcome",
                                ["kind", "outcome"], registry=r)
        self.ack_latency = Histogram("salesbot_ack_latency_seconds", "Time from a Slack "
                                     "request to its acknowledgement", ["kind"],
                                     buckets=ACK_BUCKETS, registry=r)
        self.deliveries = Counter("salesbot_deliveries", "Scheduled deliveries, by kind, "
                                  "status and workspace", ["kind", "status", "workspace"],
                                  registry=r)
        self.tick_duration = Histogram("salesbot_ticker_duration_seconds", "How long a pass "
                                       "of the ticker took", buckets=TICK_BUCKETS, registry=r)
        self.last_tick = Gauge("salesbot_ticker_last_run_timestamp_seconds", "When the last "
                               "pass of the ticker ran (Unix time)", registry=r)
        self.tick_lag = Histogram("salesbot_ticker_lag_seconds", "How long after it was due "
                                  "a delivery went out", ["kind"], buckets=LAG_BUCKETS,
                                  registry=r)

    def watch_pool(self, engine: Engine) -> None:
        """Report `engine`'s connection pool at every scrape."""
        self.registry.register(PoolCollector(engine))

    def exposition(self) -> bytes:
        return bytes(generate_latest(self.registry))


class PoolCollector:
    """The database pool's connections in use and idle, read when scraped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        pool: Any = self.engine.pool
        states = GaugeMetricFamily("salesbot_db_pool_connections", "Database connections "
                                   "of this process's pool, by state", labels=["state"])
        for state, method in (("in_use", "checkedout"), ("idle", "checkedin"),
                              ("overflow", "overflow")):
            count = getattr(pool, method, None)
            if callable(count):  # overflow() is negative while the pool is not full
                states.add_metric([state], float(max(count(), 0)))
        yield states
        size = getattr(pool, "size", None)
        if callable(size):
            yield GaugeMetricFamily("salesbot_db_pool_size", "Connections the pool keeps",
                                    value=float(size()))


def metrics_endpoint(metrics: Metrics, token: str | None) -> WSGIApp:
    """GET /metrics: the exposition, behind `token` as a bearer token when set."""
    expected = f"Bearer {token}".encode() if token else None

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"),
                                                      ("Content-Type", "text/plain")])
            return [b"method not allowed\n"]
        given = str(environ.get("HTTP_AUTHORIZATION", "")).encode()
        if expected is not None and not hmac.compare_digest(given, expected):
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Bearer realm="metrics"'),
                                                ("Content-Type", "text/plain")])
            return [b"unauthorized\n"]
        body = metrics.exposition()
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


def metrics_only(endpoint: WSGIApp, engine: Engine) -> WSGIApp:
    """GET /metrics (`endpoint`) and GET /healthz (the database answers), and nothing else:
    404 for any other path."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/metrics":
            return endpoint(environ, start_response)
        if is_health_check(environ):
            return health(engine, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return wsgi


class MetricsPort:
    """GET /metrics and /healthz on `port`, for Socket Mode (which answers Slack over a
    websocket and has no HTTP server otherwise), served by waitress in a thread of its own.

    The port is listening once this is made (an OSError if it cannot be), so a scrape that
    comes before `start()` waits in the backlog; `stop()` closes it.
    """

    def __init__(self, endpoint: WSGIApp, engine: Engine, *, port: int,
                 host: str = "0.0.0.0") -> None:
        self.serving = Serving(make_server(metrics_only(endpoint, engine), host=host,
                                           port=port, threads=METRICS_THREADS))
        self._thread = threading.Thread(target=self.serving.run, daemon=True,
                                        name="salesbot-metrics")

    @property
    def port(self) -> int:
        return self.serving.port

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the port (never started: just close it)."""
        self.serving.stop()
        if self._thread.is_alive():
            self._thread.join()
        elif self._thread.ident is None:
            self.serving.run()  # stopping already: it closes the port and returns


def outcome_of(error: Exception) -> str:
    """How a command that raised `error` went, for the metrics and the log line."""
    if isinstance(error, UsageError):
        return "usage_error"
    if isinstance(error, PermissionDenied):
        return "denied"
    if isinstance(error, SlackApiError):
        return "slack_error"
    return "error"


def request_kind(body: dict[str, Any]) -> tuple[str, str]:
    """What a Slack request is: (command, deal), (action, deal_won), (event, ...)."""
    if body.get("command"):
        return "command", str(body["command"]).lstrip("/")
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return "action", str(actions[0].get("action_id", ""))
    if kind in ("view_submission", "view_closed"):
        return "view", str((body.get("view") or {}).get("callback_id", ""))
    if kind == "block_suggestion":
        return "options", str(body.get("action_id", ""))
    if kind == "event_callback":
        return "event", str((body.get("event") or {}).get("type", ""))
    return str(kind or "other"), ""


def team_of(body: dict[str, Any]) -> str:
    return str(body.get("team_id") or (body.get("team") or {}).get("id")
               or (body.get("user") or {}).get("team_id") or "-")


def watch_requests(app: App, metrics: Metrics | None) -> None:
    """Time every request `app` dispatches (over HTTP and Socket Mode alike) until it is
    acknowledged, and write its log line (and metrics).

    Bolt's middleware runs before the listener, not around it, so the timing wraps
    `app.dispatch`, which returns once the listener acknowledged. A command's listener
    leaves its outcome in the context (`OUTCOME`); other requests go by the HTTP status.
    """
    dispatch = app.dispatch

    def timed(req: BoltRequest) -> BoltResponse:
        started = time.monotonic()
        response: BoltResponse | None = None
        try:
            response = dispatch(req)
            return response
        finally:
            _record(metrics, req, response, time.monotonic() - started)

    setattr(app, "dispatch", timed)  # noqa: B010 - this instance only


def _record(metrics: Metrics | None, req: BoltRequest, response: BoltResponse | None,
            seconds: float) -> None:
    body = req.body if isinstance(req.body, dict) else {}
    kind, name = request_kind(body)
    status = response.status if response is not None else None
    outcome = req.context.get(OUTCOME) or (
        "no_answer" if status is None else "ok" if status < 400 else f"http_{status}")
    workspace = team_of(body)
    log_request(workspace, kind, name, outcome, seconds)
    if metrics is not None:
        metrics.requests.labels(kind, outcome).inc()
        metrics.ack_latency.labels(kind).observe(seconds)
        if kind == "command":
            metrics.commands.labels(name, outcome, workspace).inc()


class DeliveryObserver:
    """The ticker's observer (jobs.observe.TickObserver): a log line per delivery, and the
    metrics when they are on. Never raises into the ticker."""

    def __init__(self, metrics: Metrics | None, session_factory: sessionmaker[Session]) -> None:
        self.metrics = metrics
        self.session_factory = session_factory
        self._teams: dict[int, str] = {}  # workspace row id -> Slack team id
        self._lock = threading.Lock()

    def team(self, workspace_id: int) -> str:
        with self._lock:
            known = self._teams.get(workspace_id)
        if known is None:
            with self.session_factory() as session:
                ws = session.get(Workspace, workspace_id)
                known = ws.slack_team_id if ws is not None else str(workspace_id)
            with self._lock:
                self._teams[workspace_id] = known
        return known

    def delivered(self, item: DueItem, status: str, seconds: float, now: datetime) -> None:
        try:
            team = self.team(item.workspace_id)
            log_delivery(team, item.kind, item.subject, status, seconds)
            if self.metrics is not None:
                self.metrics.deliveries.labels(item.kind, status, team).inc()
                if status == "sent":
                    lag = max((now - item.due_at).total_seconds(), 0.0)
                    self.metrics.tick_lag.labels(item.kind).observe(lag)
        except Exception:  # watching must never stop a delivery
            log.exception("could not record delivery %s", item.key)

    def ticked(self, now: datetime, report: TickReport, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.tick_duration.observe(seconds)
            self.metrics.last_tick.set(now.timestamp())


@dataclass(frozen=True)
class Observability:
    """What `observe` set up: the metrics (None when off), the /metrics endpoint for
    bot.server.make_wsgi (None when off), and the ticker's observer."""

    metrics: Metrics | None
    endpoint: WSGIApp | None
    deliveries: DeliveryObserver


def observe(app: App, engine: Engine, settings: Settings,
            session_factory: sessionmaker[Session]) -> Observability:
    """Watch `app`: a log line per request and delivery always, metrics when
    SALESBOT_METRICS=on."""
    metrics = Metrics() if settings.metrics else None
    if metrics is not None:
        metrics.watch_pool(engine)
    watch_requests(app, metrics)
    endpoint = metrics_endpoint(metrics, settings.metrics_token) if metrics else None
    return Observability(metrics, endpoint, DeliveryObserver(metrics, session_factory))
