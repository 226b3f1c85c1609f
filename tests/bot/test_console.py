"""The console runs the same commands as Slack and prints readable replies."""

from __future__ import annotations

import io

from bot.console import Console
from bot.dispatch import Deps


def run(deps: Deps, user: str, *lines: str) -> str:
    out = io.StringIO()
    Console(deps, user=user).run(list(lines), out, echo=True)
    return out.getvalue()


def test_console_session_reads_like_slack(deps: Deps) -> None:
    out = run(deps, "mia", '/sales team create "East" tz:Asia/Shanghai', "/sales team add @alice")
    assert 'mia> /sales team create "East"' in out
    assert "Created team East" in out and "Added alice to East" in out
    out = run(deps, "alice", "# a comment", "",
              '/visit "Acme Corp" type:demo outcome:positive on:yesterday Met the CTO',
              '/deal new "Acme renewal" customer:"Acme Corp" amount:120k', "/deal list")
    assert "Logged a demo with Acme Corp (C) yesterday" in out
    assert "Created D-1 Acme renewal" in out
    assert "120,000 USD" in out
    assert "*" not in out.replace("* ", "")  # mrkdwn bold markers are stripped


def test_console_errors_are_readable_and_write_nothing(deps: Deps) -> None:
    out = run(deps, "alice", '/visit "Acme Corp" on:someday', "/deal list", "visit x")
    assert "on:someday" in out and "not a date I understand" in out
    assert "open deals: none" in out
    assert "starting with /" in out


def test_console_stops_at_exit(deps: Deps) -> None:
    out = run(deps, "alice", "exit", '/visit "Acme Corp" hi')
    assert out == ""


def test_home_shows_what_the_slack_home_tab_shows(deps: Deps) -> None:
    run(deps, "mia", '/sales team create "East" tz:Asia/Shanghai', "/sales team add @alice")
    run(deps, "alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    out = run(deps, "alice", "home")
    assert out.startswith("alice> home\nHi alice · Sun 22 Nov · team East\n")
    assert "Your open deals" in out and "D-1 Acme renewal" in out
    assert "No revenue target covers 2026-11 for alice" in out
    assert "(the same as /deal list)" in out
    run(deps, "mia", "/standup config time:09:30 days:mon-fri")
    assert "\nStand-up of East: none today.\n" in run(deps, "alice", "home")  # a Sunday
