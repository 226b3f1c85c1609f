"""The `salesbot` command line: run the bot, migrate, print the manifest, console, demo."""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.settings import Settings

cli = typer.Typer(
    help="salesbot: a sales-plan assistant that lives in Slack.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Database schema commands.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", help="Overrides DATABASE_URL (default sqlite:///./salesbot.db)."),
]


def load_settings(database_url: str | None = None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        for err in exc.errors():
            typer.secho(f"Configuration error: {err['msg']}", fg="red", err=True)
        raise typer.Exit(2) from None
    if database_url:
        settings.database_url = database_url
    return settings


def utc_now() -> datetime:
    """The one place salesbot reads the clock; everything else is handed `now`."""
    return datetime.now(UTC)


def _deps(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.dispatch import Deps
    from commands.actors import WorkspaceDefaults
    from storage.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    deps = Deps(
        session_factory=make_session_factory(engine),
        clock=utc_now,
        defaults=WorkspaceDefaults(currency=settings.currency, timezone=settings.default_timezone),
    )
    return engine, deps


def _upgrade(url: str) -> None:
    from storage.db import upgrade

    try:
        upgrade(url)
    except Exception as exc:  # show the cause plainly, not a traceback
        typer.secho(f"Could not prepare the database at {url}: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None


@db_cli.command("upgrade")
def db_upgrade(database_url: DatabaseOption = None) -> None:
    """Migrate the database schema to the latest version."""
    from storage.db import current_revision

    settings = load_settings(database_url)
    before = current_revision(settings.database_url)
    _upgrade(settings.database_url)
    after = current_revision(settings.database_url)
    if before == after:
        typer.echo(f"Database already up to date (revision {after}).")
    else:
        typer.echo(f"Database migrated from {before or 'empty'} to revision {after}.")


@cli.command()
def run(database_url: DatabaseOption = None) -> None:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT."""
    settings = load_settings(database_url)
    missing = [] if settings.slack_bot_token else ["SLACK_BOT_TOKEN"]
    if not settings.slack_app_token and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
    if missing:
        typer.secho(
            "Cannot connect to Slack: " + ", ".join(missing) + " not set. See the README's "
            "'Slack app setup', or try `salesbot demo` to see salesbot without Slack.",
            fg="red", err=True,
        )
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    _upgrade(settings.database_url)
    from bot.app import create_app

    engine, deps = _deps(settings)
    app = create_app(deps, token=settings.slack_bot_token,
                     signing_secret=settings.slack_signing_secret,
                     api_url=settings.slack_api_url)
    if settings.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        typer.echo("salesbot is running in Socket Mode. Press Ctrl+C to stop.")
        SocketModeHandler(app, settings.slack_app_token).start()
        return
    from bot.server import make_server, make_wsgi

    server = make_server(make_wsgi(app, engine), port=settings.port)
    typer.echo(f"salesbot is listening on http://0.0.0.0:{settings.port}/slack/events "
               "(health: /healthz). Press Ctrl+C to stop.")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@cli.command("manifest")
def manifest_cmd(
    url: Annotated[str | None, typer.Option(help="Public base URL of the bot (HTTP mode).")] = None,
    socket_mode: Annotated[bool, typer.Option("--socket-mode", help="Socket Mode app.")] = False,
) -> None:
    """Print the Slack app manifest (YAML) to create the app from."""
    from bot.manifest import manifest_yaml

    if not url and not socket_mode:
        typer.secho("Give --url https://your-host (HTTP mode) or --socket-mode.", fg="red",
                    err=True)
        raise typer.Exit(2)
    typer.echo(manifest_yaml(url, socket_mode=socket_mode), nl=False)


@cli.command()
def console(
    user: Annotated[str, typer.Option(help="Act as this user (name or Slack id).")],
    script: Annotated[Path | None, typer.Option(help="Read command lines from this file.",
                                                exists=True, dir_okay=False)] = None,
    workspace: Annotated[str | None, typer.Option(help="Slack team id to act in.")] = None,
    channel: Annotated[str | None, typer.Option(help="Channel id the commands come from.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Type commands exactly as in Slack (/visit ..., /deal ...) against the database."""
    from bot.console import Console

    settings = load_settings(database_url)
    _upgrade(settings.database_url)
    _, deps = _deps(settings)
    con = Console(deps, user=user, workspace=workspace, channel=channel)
    if script is not None:
        with script.open(encoding="utf-8") as fh:
            con.run(fh, sys.stdout, echo=True)
        return
    interactive = sys.stdin.isatty()
    if interactive:
        typer.echo(f"salesbot console as {con.user_name} ({con.team_id}). Type /sales help; "
                   "exit to leave.")

    def lines():  # type: ignore[no-untyped-def]
        while True:
            try:
                yield input(f"{con.user_name}> ") if interactive else sys.stdin.readline() or "exit"
            except EOFError:
                return

    con.run(lines(), sys.stdout, echo=not interactive)


@cli.command()
def demo(
    db: Annotated[Path, typer.Option(help="Where to write the demo database.")] = Path(
        "./salesbot-demo.db"),
) -> None:
    """Build a realistic demo team in a fresh SQLite file and show a console session."""
    from bot.console import Console
    from bot.demo import DEMO_SCRIPT, build_demo

    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    _upgrade(url)
    today = utc_now().date()
    typer.echo(f"Building the demo team in {db} (six weeks of visits and deals)...")
    summary = build_demo(url, today=today)
    typer.echo(
        f"  {summary.members} people, {summary.customers} customers, {summary.activities} "
        f"activities, {summary.deals} deals ({summary.won} won, {summary.lost} lost) "
        f"in {time.monotonic() - started:.1f}s\n"
    )
    settings = load_settings(url)
    _, deps = _deps(settings)
    for user, line in DEMO_SCRIPT:
        Console(deps, user=user, workspace="T0DEMO").run([line], sys.stdout, echo=True)
    typer.echo(f"Try it yourself: salesbot console --user alice --database-url {url}")


@cli.command()
def export(
    out: Annotated[Path, typer.Option(help="Directory to write the CSV files to.")],
    workspace: Annotated[str | None, typer.Option(help="Only this Slack team id.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Export customers, activities, deals and deal history as CSV files."""
    from commands.export import export_csv

    from storage import repo

    settings = load_settings(database_url)
    _upgrade(settings.database_url)
    _, deps = _deps(settings)
    out.mkdir(parents=True, exist_ok=True)
    with deps.session_factory() as session:
        ws_id = None
        if workspace:
            ws = repo.get_workspace(session, workspace)
            if ws is None:
                typer.secho(f"No workspace {workspace} in this database.", fg="red", err=True)
                raise typer.Exit(2)
            ws_id = ws.id
        counts = export_csv(session, ws_id, out)
    for name, rows in counts.items():
        typer.echo(f"{out / name}: {rows} rows")


def main() -> None:
    cli()


