"""`salesbot workspace export|delete T…`: a workspace admin's data, out or gone; and what
the install flow (OAuth mode) needs configured."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.settings import Settings

workspace_cli = typer.Typer(help="One workspace's data: export it, or delete it.",
                            no_args_is_help=True)

TeamArgument = Annotated[str, typer.Argument(help="The workspace's Slack team id (T…).")]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", help="Overrides DATABASE_URL (default sqlite:///./salesbot.db)."),
]


def oauth_missing(settings: Settings) -> list[str]:
    """What OAuth mode (SLACK_CLIENT_ID set) still needs, as the README names it."""
    if not settings.oauth:
        return []
    missing = [name for name, value in (("SLACK_CLIENT_SECRET", settings.slack_client_secret),
                                        ("SALESBOT_PUBLIC_URL", settings.public_url))
               if not value]
    if settings.slack_app_token:
        missing.append("HTTP mode (the install flow needs it: unset SLACK_APP_TOKEN)")
    return missing


@workspace_cli.command("export")
def workspace_export(
    team: TeamArgument,
    out: Annotated[Path, typer.Option(help="Directory to write the CSV files to.")],
    database_url: DatabaseOption = None,
) -> None:
    """Export one workspace's data as CSV files (the tables of `salesbot export`)."""
    from bot.cli import ExportFormatChoice, export

    export(out=out, fmt=ExportFormatChoice.CSV, workspace=team, database_url=database_url)


@workspace_cli.command("delete")
def workspace_delete(
    team: TeamArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Delete one workspace and all its data (and its installation), for good."""
    from bot.cli import _deps, _upgrade, load_settings
    from commands.core.text import plural
    from storage import repo

    settings = load_settings(database_url)
    _upgrade(settings.database_url)
    _, deps = _deps(settings)
    with deps.session_factory.begin() as session:
        ws = repo.workspaces.get_workspace(session, team)
        if ws is None:
            typer.secho(f"No workspace {team} in this database.", fg="red", err=True)
            raise typer.Exit(2)
        counts = repo.workspaces.counts(session, ws.id)
        if not yes and not typer.confirm(
                f"Delete workspace {team} ({ws.name}): {plural(counts['members'], 'member')}, "
                f"{plural(counts['customers'], 'customer')}, {plural(counts['deals'], 'deal')} "
                "and everything else it holds? This cannot be undone"):
            typer.echo("Nothing deleted.")
            raise typer.Exit(1)
        gone = repo.workspaces.delete_workspace(session, ws.id)
        repo.installations.delete_team(session, team)
    typer.echo(f"Deleted workspace {team}: " + (", ".join(
        f"{table} {n}" for table, n in gone.items()) or "it held no data") + ".")
