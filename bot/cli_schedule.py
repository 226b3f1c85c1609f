"""What `salesbot tick` and `salesbot deliveries` print: one pass of the scheduler, what a
dry run finds due, and the table of scheduled messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.dispatch import Deps
    from jobs.notify import Notifier
    from jobs.ticker import Ticker
    from jobs.tokens import Notifiers
    from storage.models import Delivery


def make_ticker(settings: Settings, deps: Deps, notifier: Notifier | None = None) -> Ticker:
    """The ticker over every source, posting through Slack (each workspace with its own
    token) unless given another notifier."""
    from bot.workspaces import notifiers
    from jobs.sources import default_sources
    from jobs.ticker import Ticker

    posting: Notifier | Notifiers = notifier or notifiers(
        settings, deps.session_factory.kw["bind"])
    return Ticker(deps.session_factory, posting, default_sources())


def send_due(settings: Settings, deps: Deps, now: datetime, named: Callable[[str], str]) -> None:
    """Run one pass of the scheduler at `now` and say what it sent, skipped or failed; a
    log line per delivery, as `salesbot run` writes them."""
    from bot.metrics import DeliveryObserver

    ticker = make_ticker(settings, deps)
    ticker.observer = DeliveryObserver(None, deps.session_factory)
    report = ticker.tick(now)
    typer.echo(f"Tick at {now.isoformat()}: {report}.")
    for label, keys in (("sent", report.sent), ("skipped", report.skipped),
                        ("retrying", report.retrying), ("failed", report.failed)):
        for key in keys:
            typer.echo(f"  {label:<8} {named(key)}")


def show_due(settings: Settings, deps: Deps, now: datetime, named: Callable[[str], str]) -> None:
    """Print what is due at `now` and what each message says; claim and send nothing."""
    from bot.render import render

    planned = make_ticker(settings, deps, notifier=_NoSend()).plan(now)
    if not planned:
        typer.echo(f"Nothing is due at {now.isoformat()}.")
        return
    typer.echo(f"Due at {now.isoformat()} (dry run: nothing claimed or sent):")
    for p in planned:
        item = p.item
        action = {"send": "would send", "skip": "would skip (past its grace window)",
                  "nothing": "would skip (nothing to send)"}.get(p.action,
                                                                 f"already {p.action}")
        typer.echo(f"- {item.due_at.astimezone(now.tzinfo):%Y-%m-%d %H:%M} {item.kind} "
                   f"{named(item.subject)} {item.local_period}: {action}")
        for post in p.posts:
            where = f"DM {post.to}" if post.dm else post.to
            where += " (thread)" if post.in_thread or post.reply_to else ""
            text = render(post.message).plain().replace("\n", "\n    ")
            typer.echo(f"  to {where}:\n    {text}")


class _NoSend:
    """The notifier of a dry run: building never sends, so this is never called."""

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        raise RuntimeError("a dry run sends nothing")

    def dm_channel(self, user_id: str) -> str:
        raise RuntimeError("a dry run sends nothing")


def show_deliveries(rows: Sequence[Delivery], named: Callable[[str], str], *,
                    unconfirmed: Callable[[Delivery], bool]) -> None:
    """The deliveries as a table, columns as wide as their longest value."""
    table = [(f"{d.due_at:%Y-%m-%d %H:%M}", d.kind, named(d.subject), d.local_period,
              "sent?" if unconfirmed(d) else d.status.value, str(d.attempts),
              d.last_error or "") for d in rows]
    header = ("due (UTC)", "kind", "subject", "period", "status", "tries", "last error")
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(6)]
    for r in [header, *table]:
        cells = [r[i].rjust(widths[i]) if i == 5 else r[i].ljust(widths[i]) for i in range(6)]
        typer.echo(("  ".join(cells) + "  " + r[6]).rstrip())
