"""The forecast call's form, opened from the weekly DM's Submit button."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.views.base import modal
from commands.core.i18n import t, tp
from commands.core.limits import LIMITS

FORECAST_CALLBACK = "forecast_form"
FORECAST_OPEN = "forecast_open"  # the DM's Submit button
PERIODS = ("month", "quarter")
# the form's inputs, by block id
FORECAST_INPUTS = ("period", "commit", "best", "note")


def forecast_form(*, commit: str, best: str) -> View:
    """The call for this month or quarter: commit, best case and a note, prefilled with the
    figures the deals give (`commit` and `best` as they can be typed back)."""
    periods = [Option(value="month", label=tp("period", "Month")),
               Option(value="quarter", label=tp("period", "Quarter"))]
    return modal(
        FORECAST_CALLBACK, title=t("Forecast call"), submit=tp("button", "Submit"), meta={},
        blocks=[
            InputBlock(block_id="period", label=t("Period"), element=StaticSelectElement(
                action_id="period", options=periods, initial_option=periods[0])),
            InputBlock(block_id="commit", label=tp("forecast form", "Commit"),
                       hint=t("Like 300k or 1.2m"),
                       element=PlainTextInputElement(action_id="commit", initial_value=commit,
                                                     max_length=40)),
            InputBlock(block_id="best", label=tp("forecast form", "Best case"), optional=True,
                       element=PlainTextInputElement(action_id="best", initial_value=best,
                                                     max_length=40)),
            InputBlock(block_id="note", label=t("Note"), optional=True,
                       element=PlainTextInputElement(action_id="note", multiline=True,
                                                     max_length=LIMITS["notes"])),
        ],
    )
