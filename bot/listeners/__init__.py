"""Slack listeners, one module per surface; each has register(app, deps) over module-level
listener functions, and `base` holds what they share (the one error path among it)."""

from __future__ import annotations

from slack_bolt import App

from bot.dispatch import Deps
from bot.listeners import (
    channels,
    commands,
    deals,
    followups,
    forecast,
    home,
    install,
    standup,
    visits,
    warnings,
)
from bot.listeners.commands import Offload


def register(app: App, deps: Deps, workers: Offload | None = None) -> None:
    """Attach every listener to `app`; slash commands run in `workers` when given."""
    commands.register(app, deps, workers)
    visits.register(app, deps)
    deals.register(app, deps)
    standup.register(app, deps)
    warnings.register(app, deps)
    home.register(app, deps)
    channels.register(app, deps)
    forecast.register(app, deps)
    followups.register(app, deps)
    install.register(app, deps)
