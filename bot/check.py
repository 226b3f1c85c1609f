"""`salesbot check`: is this configuration ready to run? Each check is one line, ok or
what is wrong and how to fix it; any problem makes the command exit non-zero.

- the database is reachable and migrated to the latest revision;
- the bot token is taken by Slack (auth.test, bot.preflight's check) and has every scope
  the manifest asks for (auth.test's x-oauth-scopes header); the app-level token too, in
  Socket Mode; HTTP mode has its signing secret;
- with the install flow on (SLACK_CLIENT_ID), the public HTTPS address is set, and all
  else `salesbot run` needs for it (the client secret, HTTP mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import typer

from bot.manifest import BOT_SCOPES
from bot.preflight import StartupError, auth_test, open_socket_mode
from bot.settings import Settings


@dataclass(frozen=True)
class Finding:
    """One check's result, a problem or not; `fix` says what to do about a problem."""

    what: str
    detail: str
    problem: bool = False
    fix: str = ""

    def line(self) -> str:
        if not self.problem:
            return f"ok    {self.what}: {self.detail}"
        fix = f"\n      Fix: {self.fix}" if self.fix else ""
        return f"FAIL  {self.what}: {self.detail}{fix}"


Check = Callable[[Settings], Iterator[Finding]]


def check_database(settings: Settings) -> Iterator[Finding]:
    """Reachable, and at the latest migration."""
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, current_revision

    url = settings.database_url
    try:
        current = current_revision(url)
    except Exception as exc:  # any driver's error: say it plainly
        yield Finding("database", f"cannot connect ({type(exc).__name__}: "
                      f"{str(exc).splitlines()[0][:200]})", True,
                      "check DATABASE_URL, and that the database server is running and "
                      "accepts this user")
        return
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current != head:
        yield Finding("database", f"at revision {current or 'none (empty)'}, the latest is "
                      f"{head}", True, "run `salesbot db upgrade` (`salesbot run` also "
                      "migrates when it starts)")
        return
    yield Finding("database", f"reachable, at the latest revision ({head})")


def check_slack(settings: Settings) -> Iterator[Finding]:
    """The tokens Slack takes, the scopes they carry, and what each mode needs."""
    if not settings.slack_bot_token:
        if settings.slack_client_id:
            yield Finding("bot token", "not set: each workspace's token comes from its "
                          "install (SLACK_CLIENT_ID is set)")
        else:
            yield Finding("bot token", "SLACK_BOT_TOKEN is not set", True,
                          "set it to the Bot User OAuth Token (xoxb-...) from your app's "
                          "OAuth & Permissions page (see the README's 'Slack app setup')")
    else:
        yield from _bot_token(settings.slack_bot_token, settings.slack_api_url)
    if settings.slack_app_token:
        try:
            open_socket_mode(settings.slack_app_token, settings.slack_api_url)
            yield Finding("app token", "taken by Slack: Socket Mode can connect")
        except StartupError as exc:
            yield Finding("app token", exc.message, True,
                          "make an app-level token with connections:write under Basic "
                          "Information > App-Level Tokens, and enable Socket Mode")
    elif not settings.slack_signing_secret:
        yield Finding("signing secret", "HTTP mode, and SLACK_SIGNING_SECRET is not set", True,
                      "set it to the Signing Secret from your app's Basic Information page, "
                      "or set SLACK_APP_TOKEN for Socket Mode")
    else:
        yield Finding("signing secret", "set (HTTP mode)")


def _bot_token(token: str, api_url: str | None) -> Iterator[Finding]:
    try:
        response = auth_test(token, api_url)
    except StartupError as exc:
        yield Finding("bot token", exc.message, True,
                      "copy the Bot User OAuth Token again from OAuth & Permissions")
        return
    yield Finding("bot token", f"taken by Slack (workspace {response.get('team_id')})")
    granted = granted_scopes(dict(response.headers or {}))
    if granted is None:
        yield Finding("scopes", "Slack did not say which scopes the token has "
                      "(no x-oauth-scopes header)", True,
                      "check SLACK_API_URL points at Slack's Web API")
        return
    missing = [s for s in BOT_SCOPES if s not in granted]
    if missing:
        yield Finding("scopes", "the bot token lacks " + ", ".join(missing), True,
                      "add them under OAuth & Permissions > Bot Token Scopes (or paste "
                      "`salesbot manifest` into the app's manifest) and reinstall the app")
        return
    yield Finding("scopes", f"every scope the manifest asks for ({len(BOT_SCOPES)})")


def granted_scopes(headers: dict[str, object]) -> frozenset[str] | None:
    """The scopes in an x-oauth-scopes header; None when there is none."""
    for name, value in headers.items():
        if name.lower() == "x-oauth-scopes":
            text = value[0] if isinstance(value, list) and value else value
            return frozenset(s.strip() for s in str(text).split(",") if s.strip())
    return None


def check_public_url(settings: Settings) -> Iterator[Finding]:
    """With the install flow on, Slack must be able to send users back to us."""
    if not settings.slack_client_id:
        return
    url = settings.public_url or ""
    if not url:
        yield Finding("public URL", "the install flow is on (SLACK_CLIENT_ID) and "
                      "SALESBOT_PUBLIC_URL is not set", True,
                      "set SALESBOT_PUBLIC_URL to the HTTPS address Slack reaches salesbot "
                      "at, like https://salesbot.example.com")
    elif not url.startswith("https://"):
        yield Finding("public URL", f"{url} is not an https:// address", True,
                      "Slack only redirects to HTTPS: put an HTTPS proxy in front of salesbot")
    else:
        yield Finding("public URL", url)


def check_install_flow(settings: Settings) -> Iterator[Finding]:
    """With the install flow on, what `salesbot run` refuses to start without (the public
    URL has its own check)."""
    if not settings.oauth:
        return
    missing = [m for m in settings.oauth_missing() if m != "SALESBOT_PUBLIC_URL"]
    if missing:
        yield Finding("install flow", "needs " + "; ".join(missing), True,
                      "set SLACK_CLIENT_SECRET to the Client Secret from your app's Basic "
                      "Information page, and serve HTTP (see the README's 'Many workspaces: "
                      "the install flow')")
    else:
        yield Finding("install flow", "client secret set, HTTP mode")


CHECKS: tuple[Check, ...] = (check_database, check_slack, check_install_flow,
                             check_public_url)


def run_checks(settings: Settings, checks: tuple[Check, ...] = CHECKS) -> list[Finding]:
    """Every check's findings, in order."""
    return [finding for check in checks for finding in check(settings)]


def check_and_report(settings: Settings) -> int:
    """Print every finding, problems in red, and a summary; the exit code (1: a problem)."""
    findings = run_checks(settings)
    for finding in findings:
        typer.secho(finding.line(), fg="red" if finding.problem else None)
    problems = sum(f.problem for f in findings)
    if problems:
        typer.secho(f"{problems} problem{'s' if problems > 1 else ''} to fix before "
                    "`salesbot run`.", fg="red", err=True)
        return 1
    typer.echo("Everything checked is ready: `salesbot run` can start.")
    return 0
