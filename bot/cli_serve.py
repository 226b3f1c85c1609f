"""`salesbot run`: check Slack takes the tokens, start the command workers, then answer Slack
(Socket Mode or HTTP) with the scheduler ticking beside it until Ctrl+C or SIGTERM."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Protocol

import typer

from bot.settings import Settings

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_bolt import App
    from sqlalchemy import Engine

    from bot.dispatch import Deps
    from bot.metrics import MetricsPort, Observability
    from bot.workers import CommandWorkers


def check_slack(settings: Settings) -> str | None:
    """Ask Slack, with a short timeout, whether it takes the tokens; exit 1 with a line or
    two if not. Returns the Socket Mode URL to connect to (None in HTTP mode)."""
    from bot.preflight import StartupError, check_bot_token, open_socket_mode

    try:
        if not settings.oauth:  # installed through OAuth: each workspace's token, checked
            assert settings.slack_bot_token  # by Bolt on each request
            check_bot_token(settings.slack_bot_token, settings.slack_api_url)
        if settings.slack_app_token:
            return open_socket_mode(settings.slack_app_token, settings.slack_api_url)
    except StartupError as exc:
        typer.secho(f"salesbot cannot start: {exc.message}", fg="red", err=True)
        raise typer.Exit(1) from None
    return None


def default_command_workers(cpus: int, database_url: str) -> int:
    """The CPUs but one (the receiving process's), up to 4; on PostgreSQL one per CPU.

    A worker on PostgreSQL spends part of each command waiting for the server's answers
    (five round trips for a /visit), and a second worker uses that time. On SQLite every
    write takes the one database lock, so workers beyond the spare CPUs only queue for it.
    """
    if cpus < 2:
        return 0
    return min(cpus if database_url.startswith("postgresql") else cpus - 1, 4)


def start_command_workers(settings: Settings, deps: Deps) -> CommandWorkers | None:
    """Start the processes that answer slash commands, or None to answer them here."""
    import os

    from bot.workers import CommandWorkers, WorkerConfig

    count = settings.command_workers
    if count is None:
        count = default_command_workers(os.cpu_count() or 1, settings.database_url)
    if count == 0:
        typer.echo("Answering slash commands in this process (SALESBOT_COMMAND_WORKERS=0).")
        return None
    workers = CommandWorkers(
        WorkerConfig(database_url=settings.database_url, token=settings.slack_bot_token,
                     api_url=settings.slack_api_url, defaults=deps.defaults,
                     log_format=settings.log_format,
                     settings=settings if settings.oauth else None),
        processes=count,
    )
    try:
        workers.warm_up()
    except Exception as exc:  # the bot still works without them, only slower
        typer.secho(f"Could not start the command workers ({exc!r}); answering slash "
                    "commands in this process.", fg="yellow", err=True)
        workers.shutdown()
        return None
    typer.echo(f"Answering slash commands in {count} worker process"
               f"{'es' if count > 1 else ''} (SALESBOT_COMMAND_WORKERS).")
    return workers


def serve(settings: Settings, engine: Engine, deps: Deps, socket_url: str | None) -> None:
    """Answer Slack and run the scheduler until stopped: Socket Mode when SLACK_APP_TOKEN is
    set (connecting to `socket_url`), else HTTP on PORT."""
    from bot.app import create_app
    from bot.metrics import observe

    oauth = None
    if settings.oauth:
        from bot.oauth import oauth_settings
        from bot.workspaces import TeamDirectories, token_source

        oauth = oauth_settings(settings, engine, deps)
        deps.directories = TeamDirectories(token_source(settings, engine),
                                           settings.slack_api_url)
    workers = start_command_workers(settings, deps)
    app = create_app(deps, token=None if oauth else settings.slack_bot_token,
                     signing_secret=settings.slack_signing_secret,
                     api_url=settings.slack_api_url, workers=workers, oauth=oauth)
    watch = observe(app, engine, settings, deps.session_factory)
    if settings.slack_app_token:
        _serve_socket_mode(app, engine, settings, deps, workers, socket_url, watch)
    else:
        _serve_http(app, engine, settings, deps, workers, watch)
    typer.echo("salesbot stopped.")


def _serve_socket_mode(app: App, engine: Engine, settings: Settings, deps: Deps,
                       workers: CommandWorkers | None, socket_url: str | None,
                       watch: Observability) -> None:
    from bot.preflight import StartupError
    from bot.socket_mode import SocketMode

    assert settings.slack_app_token
    metrics = _metrics_port(engine, settings, workers, watch)
    mode = SocketMode(app, settings.slack_app_token, url=socket_url)
    # Ctrl+C or SIGTERM (systemd, docker stop): take no new envelopes, finish and
    # acknowledge those in progress, then disconnect. A second Ctrl+C stops at once.
    _stop_on_signals(mode, "salesbot is stopping: finishing the requests in progress.")
    try:
        mode.connect()
    except StartupError as exc:
        if metrics is not None:
            metrics.stop()
        if workers is not None:
            workers.shutdown()
        typer.secho(f"salesbot cannot start: {exc.message}", fg="red", err=True)
        raise typer.Exit(1) from None
    scheduler = _start_scheduler(settings, deps, watch)
    if metrics is not None:
        metrics.start()
        typer.echo(f"Metrics at http://0.0.0.0:{metrics.port}/metrics (health: /healthz).")
    typer.echo("salesbot is running in Socket Mode. Press Ctrl+C to stop.")
    try:
        mode.run()
    except KeyboardInterrupt:
        pass
    finally:
        if metrics is not None:
            metrics.stop()
        _shut_down(scheduler, workers)


def _metrics_port(engine: Engine, settings: Settings, workers: CommandWorkers | None,
                  watch: Observability) -> MetricsPort | None:
    """Socket Mode's /metrics on PORT when SALESBOT_METRICS=on; exit 1 with a line if the
    port is taken."""
    from bot.metrics import MetricsPort

    if watch.endpoint is None:
        return None
    try:
        return MetricsPort(watch.endpoint, engine, port=settings.port)
    except OSError as exc:
        if workers is not None:
            workers.shutdown()
        typer.secho(f"salesbot cannot start: cannot serve /metrics on port {settings.port} "
                    f"({exc.strerror or exc}).", fg="red", err=True)
        raise typer.Exit(1) from None


def _serve_http(app: App, engine: Engine, settings: Settings, deps: Deps,
                workers: CommandWorkers | None, watch: Observability) -> None:
    from bot.server import Serving, make_server, make_wsgi

    scheduler = _start_scheduler(settings, deps, watch)
    serving = Serving(make_server(make_wsgi(app, engine, metrics=watch.endpoint),
                                  port=settings.port))
    # Ctrl+C or SIGTERM (systemd, docker stop): take no new requests, finish those in
    # progress, then stop. A second Ctrl+C stops at once.
    _stop_on_signals(serving)
    typer.echo(f"salesbot is listening on http://0.0.0.0:{serving.port}/slack/events "
               "(health: /healthz). Press Ctrl+C to stop.")
    if settings.oauth:
        typer.echo(f"Add it to a workspace at {settings.public_url or ''}/slack/install.")
    try:
        serving.run()
    except KeyboardInterrupt:
        pass
    finally:
        _shut_down(scheduler, workers)


class _Stoppable(Protocol):
    @property
    def stopping(self) -> bool: ...

    def stop(self) -> None: ...


def _stop_on_signals(target: _Stoppable, saying: str | None = None) -> None:
    """Stop `target` gently on SIGINT or SIGTERM (saying so, if given); asked twice, at once."""

    def stop(_signum: int, _frame: object) -> None:
        if target.stopping:  # asked twice: stop now
            raise KeyboardInterrupt
        if saying is not None:
            typer.echo(saying)
        target.stop()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def _start_scheduler(settings: Settings, deps: Deps,
                     watch: Observability) -> BackgroundScheduler:
    """Every instance ticks; the delivery claims make each stand-up go out once."""
    from bot.cli_schedule import make_ticker
    from jobs.scheduler import make_scheduler

    ticker = make_ticker(settings, deps)
    ticker.observer = watch.deliveries
    scheduler = make_scheduler(ticker, deps.clock)
    scheduler.start()
    return scheduler


def _shut_down(scheduler: BackgroundScheduler, workers: CommandWorkers | None) -> None:
    # A tick in progress finishes first (the process would wait for it at exit anyway), so
    # "salesbot stopped." is the last word.
    scheduler.shutdown(wait=True)
    if workers is not None:
        workers.shutdown()
