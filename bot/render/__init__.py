"""Slack rendering: `render(result)` turns a command's result or a job's post into a
`Reply` (Block Kit and the same as text). `base` holds the dispatch and the shared pieces;
each area module registers the result types it renders, so all are imported here."""

from bot.render import deals, followups, forecast, home, io, plan, reports, standup, team, warnings
from bot.render.base import Reply, render

__all__ = ["Reply", "deals", "followups", "forecast", "home", "io", "plan", "render", "reports",
           "standup", "team", "warnings"]
