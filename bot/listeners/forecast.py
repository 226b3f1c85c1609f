"""The weekly forecast DM's Submit button and the form it opens."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.dispatch import Deps
from bot.listeners.base import guard, run_form, show_on_form
from bot.views.base import values
from bot.views.forecast import FORECAST_CALLBACK, FORECAST_INPUTS, FORECAST_OPEN, forecast_form
from commands.core.errors import UserFacingError
from commands.forecast.calls import submit_from_form

_FIGURE = re.compile(r"\d{1,15}(\.\d{1,2})?")


def register(app: App, deps: Deps) -> None:
    """Listen for the forecast DM's Submit button and the forecast form."""
    guard(app.action(FORECAST_OPEN), open_forecast_form, deps=deps)
    guard(app.view(FORECAST_CALLBACK), submit_forecast, deps=deps)


def prefill(value: str) -> tuple[str, str]:
    """The commit and best case the button carries ("120000|180000"); a value salesbot did
    not write leaves the form empty (it is only a suggestion)."""
    commit, _, best = value.partition("|")
    return _figure(commit), _figure(best)


def _figure(text: str) -> str:
    return text if _FIGURE.fullmatch(text) else ""


def open_forecast_form(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                       client: WebClient, deps: Deps) -> None:
    """Open the forecast form, prefilled with the figures the rep's deals give."""
    ack()
    commit, best = prefill(str(action.get("value") or ""))
    client.views_open(trigger_id=body["trigger_id"],
                      view=forecast_form(commit=commit, best=best))


def submit_forecast(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                    deps: Deps) -> None:
    """Submit the call from the form, or show what is wrong next to its input."""
    v = values(view)
    try:
        args = submit_from_form(v.get("period") or "month", v.get("commit") or "",
                                v.get("best") or "", v.get("note") or "")
    except UserFacingError as exc:
        show_on_form(ack, exc, FORECAST_INPUTS, default="commit")
        return
    run_form(ack, body, view, client, deps, "forecast", args, inputs=FORECAST_INPUTS,
             default="commit")
