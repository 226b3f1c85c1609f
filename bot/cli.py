"""The `salesbot` command line: run the bot, migrate, print the manifest, console, demo."""

from __future__ import annotations

import enum
import re
import shutil
import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from bot.cli_schedule import send_due, show_deliveries, show_due
from bot.cli_serve import check_slack, serve
from bot.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.orm import Session

    from bot.dispatch import Deps


cli = typer.Typer(
    help="salesbot: a sales-plan assistant that lives in Slack.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Database schema commands.", no_args_is_help=True)
workspace_cli = typer.Typer(help="One workspace's data: export it, or delete it.",
                            no_args_is_help=True)

TeamArgument = Annotated[str, typer.Argument(help="The workspace's Slack team id (T…).")]
cli.add_typer(db_cli, name="db")
cli.add_typer(workspace_cli, name="workspace")

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
    from commands.core.actors import WorkspaceDefaults
    from commands.core.i18n import set_default_locale
    from storage.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url, pool_size=20, max_overflow=20)
    deps = Deps(
        session_factory=make_session_factory(engine),
        clock=utc_now,
        defaults=WorkspaceDefaults(currency=settings.currency, timezone=settings.default_timezone,
                                   locale=settings.default_locale),
    )
    set_default_locale(settings.default_locale)
    return engine, deps


def _ready(database_url: str | None) -> tuple[Settings, Deps]:
    """The settings, and the database migrated and ready: what most verbs start with."""
    settings = load_settings(database_url)
    _upgrade(settings.database_url)
    _, deps = _deps(settings)
    return settings, deps


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
def run(
    database_url: DatabaseOption = None,
    command_workers: Annotated[int | None, typer.Option(
        "--command-workers", min=0, max=64,
        help="Processes that answer slash commands while this one receives and "
             "acknowledges them (overrides SALESBOT_COMMAND_WORKERS; default: the CPUs "
             "but one on SQLite, the CPUs on PostgreSQL, up to 4, none on one CPU; 0 "
             "answers in this process).")] = None,
) -> None:
    # typer keeps a docstring's line breaks in --help: one line per paragraph
    """Run the bot and its once-a-minute scheduler of stand-ups, digests and warnings.

    Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT."""
    settings = load_settings(database_url)
    if command_workers is not None:
        settings.command_workers = command_workers
    missing = [] if settings.slack_bot_token or settings.oauth else ["SLACK_BOT_TOKEN"]
    if not settings.slack_app_token and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
    missing += settings.oauth_missing()
    if missing:
        typer.secho(
            "Cannot connect to Slack: " + ", ".join(missing) + " not set. See the README's "
            "'Slack app setup', or try `salesbot demo` to see salesbot without Slack.",
            fg="red", err=True,
        )
        raise typer.Exit(2)
    socket_url = check_slack(settings)
    from bot.logs import configure_logging

    configure_logging(settings)
    _upgrade(settings.database_url)
    engine, deps = _deps(settings)
    serve(settings, engine, deps, socket_url)


@cli.command()
def check(database_url: DatabaseOption = None) -> None:
    """Check the configuration (database, Slack tokens and scopes, public URL) and say what
    to fix; exits 1 on any problem."""
    from bot.check import check_and_report

    raise typer.Exit(check_and_report(load_settings(database_url)))


TICK_HELP = (
    "Run one pass of the scheduler as `salesbot run` does every minute: send what is due "
    "(stand-up prompts, reminders and summaries, digests, warning checks) and retry failed "
    "sends.\n\n"
    "Sending needs SLACK_BOT_TOKEN; without it a pass refuses to run, because printing "
    "the messages instead would record them as sent and Slack would never get them. "
    "--dry-run needs no token: it prints what is due and what each message says."
)


@cli.command(help=TICK_HELP)
def tick(
    at: Annotated[str | None, typer.Option(
        help="Run as if it were this moment, with its UTC offset: 2026-11-23T09:00:00+08:00 "
             "(default: now).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print what is due and what each message says; claim and send "
                          "nothing.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Run one pass of the scheduler (see TICK_HELP)."""
    settings = load_settings(database_url)
    now = utc_now() if at is None else _moment(at)
    if not dry_run and not settings.slack_bot_token and not settings.oauth:
        typer.secho("Cannot send without SLACK_BOT_TOKEN. Use --dry-run to see what is due.",
                    fg="red", err=True)
        raise typer.Exit(2)
    _upgrade(settings.database_url)
    _, deps = _deps(settings)
    with deps.session_factory() as session:
        named = _subject_namer(session)
    if dry_run:
        show_due(settings, deps, now, named)
        return
    from bot.logs import configure_logging

    configure_logging(settings)  # as `salesbot run`: SALESBOT_LOG_FORMAT, secrets redacted
    send_due(settings, deps, now, named)


def _moment(text: str) -> datetime:
    """An aware datetime from --at; naive or malformed moments are refused."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        typer.secho(f"--at {text}: give a moment with its UTC offset, like "
                    "2026-11-23T09:00:00+08:00.", fg="red", err=True)
        raise typer.Exit(2)
    return moment


@cli.command()
def deliveries(
    failed: Annotated[bool, typer.Option(
        "--failed", help="Only deliveries that failed, are waiting to be retried, or were "
                         "sent without Slack confirming (sent?).")] = False,
    limit: Annotated[int, typer.Option(help="How many to list, newest first.", min=1)] = 50,
    database_url: DatabaseOption = None,
) -> None:
    """List scheduled messages that were sent, skipped or failed, newest first."""
    from storage import repo

    _, deps = _ready(database_url)
    with deps.session_factory() as session:
        rows = repo.deliveries.recent(session, failed_only=failed, limit=limit)
        named = _subject_namer(session)
    if not rows:
        typer.echo("No failed deliveries." if failed else "Nothing has been scheduled yet.")
        return
    show_deliveries(rows, named, unconfirmed=repo.deliveries.unconfirmed)


def _subject_namer(session: Session) -> Callable[[str], str]:
    """`member:6` as `member:6 (eli)`, `team:1` as `team:1 (East)`: ids alone name nobody."""
    from storage import repo

    names = {("member", i): m.name for i, m in repo.workspaces.members_by_id(session).items()}
    names.update({("team", t.id): t.name for t in repo.workspaces.all_teams(session)})

    def named(subject: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = names.get((m.group(1), int(m.group(2))))
            return m.group(0) if name is None else f"{m.group(0)} ({name})"
        return re.sub(r"\b(member|team):(\d+)\b", one, subject)
    return named


@cli.command("manifest")
def manifest_cmd(
    url: Annotated[str | None, typer.Option(help="Public base URL of the bot (HTTP mode).")] = None,
    socket_mode: Annotated[bool, typer.Option("--socket-mode", help="Socket Mode app.")] = False,
    oauth: Annotated[bool, typer.Option(
        "--oauth", help="Add the install flow's redirect URL (many workspaces; needs "
                        "--url).")] = False,
) -> None:
    """Print the Slack app manifest (YAML) to create the app from."""
    from bot.manifest import manifest_yaml

    if not url and not socket_mode:
        typer.secho("Give --url https://your-host (HTTP mode) or --socket-mode.", fg="red",
                    err=True)
        raise typer.Exit(2)
    if oauth and not url:
        typer.secho("--oauth needs --url https://your-host: Slack sends installs back to "
                    "it.", fg="red", err=True)
        raise typer.Exit(2)
    typer.echo(manifest_yaml(url, socket_mode=socket_mode, oauth=oauth), nl=False)


LangOption = Annotated[str | None, typer.Option(
    "--lang", help="The language to answer in: en or zh (简体中文); a person's own /sales lang "
                   "choice still wins. Default: SALESBOT_DEFAULT_LOCALE.")]


@contextmanager
def _speaking(lang: str | None) -> Iterator[None]:
    """Make `lang` the default language inside the block (the console's, the demo's)."""
    from commands.core.i18n import default_locale, normalize_lang, set_default_locale, use_locale

    if lang is not None and normalize_lang(lang) is None:
        typer.secho(f"--lang {lang}: give en or zh.", fg="red", err=True)
        raise typer.Exit(2)
    previous = default_locale()
    if lang is not None:
        set_default_locale(lang)
    try:
        with use_locale(None):  # each command sets its caller's language until the end
            yield
    finally:
        set_default_locale(previous)


@cli.command()
def console(
    user: Annotated[str, typer.Option(help="Act as this user (name or Slack id).")],
    script: Annotated[Path | None, typer.Option(help="Read command lines from this file.",
                                                exists=True, dir_okay=False)] = None,
    workspace: Annotated[str | None, typer.Option(help="Slack team id to act in.")] = None,
    channel: Annotated[str | None, typer.Option(help="Channel id the commands come from.")] = None,
    database_url: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Type commands exactly as in Slack (/visit ..., /deal ...) against the database."""
    from bot.console import Console
    from commands.core.i18n import t

    _, deps = _ready(database_url)
    with _speaking(lang):
        con = Console(deps, user=user, workspace=workspace, channel=channel)
        if script is not None:
            with script.open(encoding="utf-8") as fh:
                con.run(fh, sys.stdout, echo=True)
            return
        interactive = sys.stdin.isatty()
        if interactive:
            typer.echo(t("salesbot console as {user} ({workspace}). Type /sales help; exit to "
                         "leave.", user=con.user_name, workspace=con.team_id))

        def lines():  # type: ignore[no-untyped-def]
            while True:
                try:
                    yield input(f"{con.user_name}> ") if interactive \
                        else sys.stdin.readline() or "exit"
                except EOFError:
                    return

        con.run(lines(), sys.stdout, echo=not interactive)


@cli.command()
def demo(
    db: Annotated[Path, typer.Option(help="Where to write the demo database.")] = Path(
        "./salesbot-demo.db"),
    chart: Annotated[Path, typer.Option(
        help="Where to write the PNG chart of the simulated week's Monday digest.")] = Path(
        "demo-digest.png"),
    lang: Annotated[str, typer.Option(
        "--lang", help="The demo's language: en, or zh (简体中文: a Chinese team, its "
                       "commands and every reply in Chinese).")] = "en",
) -> None:
    """Build a demo team in a fresh SQLite file and replay its last week on the real ticker.

    Then a scripted console session runs today, on data that all lies in the past."""
    from commands.core.i18n import current_locale, t
    from demo.run import run_demo

    with _speaking(lang):
        url = run_demo(db, chart, clock=utc_now, prepare=_upgrade, out=sys.stdout)
        exe = _invoked_as()
        flag = " --lang zh" if current_locale() == "zh" else ""
        try_it = f"{exe} console --user alice{flag} --database-url {url}"
        sent = f"{exe} deliveries --limit 20 --database-url {url}"
        typer.echo(t("Try it yourself: {command}", command=try_it))
        typer.echo(t("What the ticker sent: {command}", command=sent))


def _invoked_as() -> str:
    """How to type salesbot again from here: `.venv/bin/salesbot` after the README's quick
    start (the virtualenv is not on PATH), plain `salesbot` when that is what PATH finds."""
    argv0 = Path(sys.argv[0])
    if argv0.name != "salesbot":
        return "salesbot"
    found = shutil.which("salesbot")
    if found is not None and Path(found).resolve() == argv0.resolve():
        return "salesbot"
    try:
        relative = argv0.resolve().relative_to(Path.cwd().resolve())
        return str(relative) if relative.parent != Path(".") else f"./{relative}"
    except ValueError:
        return str(argv0.resolve())


class ExportFormatChoice(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ImportKindChoice(enum.StrEnum):
    CUSTOMERS = "customers"
    DEALS = "deals"
    ACTIVITIES = "activities"
    FORECASTS = "forecasts"
    ADJUSTMENTS = "adjustments"
    FOLLOW_UPS = "follow_ups"


# Files with more rows than this get a progress bar (on stderr) while they are checked
# and written; smaller ones finish before a bar would be worth drawing.
PROGRESS_MIN_ROWS = 500
# How many "already there" rows an import lists before it just counts the rest.
SKIPPED_SHOWN = 10


@cli.command()
def export(
    out: Annotated[Path, typer.Option(help="Directory to write the files to.")],
    fmt: Annotated[ExportFormatChoice, typer.Option(
        "--format", help="csv: a file per table; xlsx: one salesbot-export.xlsx workbook "
        "with a sheet per table.", case_sensitive=False)] = ExportFormatChoice.CSV,
    workspace: Annotated[str | None, typer.Option(help="Only this Slack team id.")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="The column headers' language: en (the default) or zh (简体中文; CSV "
        "files then start with a byte order mark, for Excel). `salesbot import` reads "
        "both.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Export customers, activities, deals, deal history and targets (CSV or Excel)."""
    from commands.core.i18n import normalize_lang
    from commands.core.text import plural
    from commands.io.export import WORKBOOK, export_tables, write_export
    from storage import repo

    headers = normalize_lang(lang)
    if lang is not None and headers is None:
        typer.secho(f"--lang {lang}: give en or zh.", fg="red", err=True)
        raise typer.Exit(2)

    _, deps = _ready(database_url)
    with deps.session_factory() as session:
        ws_id = None
        if workspace:
            ws = repo.workspaces.get_workspace(session, workspace)
            if ws is None:
                typer.secho(f"No workspace {workspace} in this database.", fg="red", err=True)
                raise typer.Exit(2)
            ws_id = ws.id
        tables = export_tables(session, ws_id)
    counts = write_export(tables, out, fmt.value, headers)
    if fmt is ExportFormatChoice.XLSX:
        sheets = ", ".join(f"{name} {plural(rows, 'row')}" for name, rows in counts.items())
        typer.echo(f"{out / WORKBOOK}: {sheets}")
        return
    for name, rows in counts.items():
        typer.echo(f"{out / f'{name}.csv'}: {plural(rows, 'row')}")


@cli.command("import")
def import_cmd(
    kind: Annotated[ImportKindChoice, typer.Argument(
        help="What it holds: customers, deals, activities, forecasts, adjustments, follow_ups.",
        metavar="KIND",
        case_sensitive=False)],
    file: Annotated[Path, typer.Argument(
        help="A .csv or .xlsx file (our export's columns, or a Salesforce report's).",
        metavar="FILE")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row and say what would be imported; write nothing.")]
        = False,
    workspace: Annotated[str | None, typer.Option(
        help="Slack team id to import into (needed when the database has several).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Import customers, deals, activities, forecast calls and adjustments, or follow-ups from
    a CSV or Excel file: every row or none."""
    from sqlalchemy.exc import IntegrityError

    from commands.core.errors import UsageError
    from commands.core.text import plural
    from commands.io.importer.check import plan_import
    from commands.io.importer.layouts import sheet_of
    from commands.io.importer.read import read_rows
    from commands.io.importer.write import apply_import, pick_workspace

    settings = load_settings(database_url)
    try:
        rows = read_rows(file, sheet=sheet_of(kind.value))
    except UsageError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    _upgrade(settings.database_url)
    _, deps = _deps(settings)
    now = utc_now()
    try:
        with deps.session_factory.begin() as session:
            try:
                ws = pick_workspace(session, workspace)
            except UsageError as exc:
                typer.secho(str(exc), fg="red", err=True)
                raise typer.Exit(2) from None
            with typer.progressbar(length=len(rows),
                                   label=f"Checking {plural(len(rows), 'row')}",
                                   file=sys.stderr,
                                   hidden=len(rows) < PROGRESS_MIN_ROWS) as checking:
                try:
                    plan = plan_import(kind.value, rows, session=session, workspace=ws,
                                       now=now, progress=checking.update)
                except UsageError as exc:
                    typer.secho(f"{file.name}: {exc}", fg="red", err=True)
                    raise typer.Exit(1) from None
            if not plan.ok:
                for problem in plan.problems:
                    typer.secho(f"{file.name} {problem}", fg="red", err=True)
                bad = len(plan.problems)
                typer.secho(f"Nothing was imported: {plural(bad, 'row')} of "
                            f"{plan.rows} {'have' if bad != 1 else 'has'} problems. Fix "
                            f"{'them' if bad != 1 else 'it'} and run the import again.",
                            fg="red", err=True)
                raise typer.Exit(1)
            for skipped in plan.skipped[:SKIPPED_SHOWN]:
                typer.echo(f"{file.name} {skipped}")
            if len(plan.skipped) > SKIPPED_SHOWN:
                typer.echo(f"... and {len(plan.skipped) - SKIPPED_SHOWN} more rows already "
                           "there.")
            if dry_run:
                typer.echo(f"{plan.dry_run_message()} (workspace {ws.slack_team_id}, "
                           f"{plan.layout} layout)")
                return
            with typer.progressbar(length=plan.size, label="Importing", file=sys.stderr,
                                   hidden=plan.size < PROGRESS_MIN_ROWS) as writing:
                result = apply_import(plan, session=session, progress=writing.update)
    except IntegrityError:
        typer.secho("Someone added the same records while the import ran, so nothing was "
                    "imported. Run it again: rows already there are skipped.", fg="red",
                    err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{result.message()} (workspace {ws.slack_team_id})")



# --- salesbot workspace export|delete T…: a workspace admin's data, out or gone ---

@workspace_cli.command("export")
def workspace_export(
    team: TeamArgument,
    out: Annotated[Path, typer.Option(help="Directory to write the CSV files to.")],
    database_url: DatabaseOption = None,
) -> None:
    """Export one workspace's data as CSV files (the tables of `salesbot export`)."""
    export(out=out, fmt=ExportFormatChoice.CSV, workspace=team, database_url=database_url)


@workspace_cli.command("delete")
def workspace_delete(
    team: TeamArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Delete one workspace and all its data (and its installation), for good."""
    from commands.core.text import plural
    from storage import repo

    _, deps = _ready(database_url)
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


def main() -> None:
    cli()


