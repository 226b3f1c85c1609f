"""The deal forms: editing a deal, and saying why it was lost."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.views.base import modal
from commands.core.i18n import t, tp
from commands.core.limits import LIMITS
from commands.deals.deal import DealView
from commands.deals.labels import forecast_option, stage_label
from commands.forecast.categories import AUTO, SETTABLE

DEAL_EDIT_CALLBACK = "deal_edit_form"
DEAL_LOST_CALLBACK = "deal_lost_form"
# the edit form's inputs, by block id
DEAL_EDIT_INPUTS = ("name", "stage", "amount", "currency", "close", "forecast")
# the forecast categories a rep may pick for an open deal, `auto` first (its stage's)
FORECAST_CHOICES = (AUTO[0], *SETTABLE)


def forecast_options(prefix: str = "") -> list[Option]:
    """One option per category a rep may pick; `prefix` goes before each value (a card's
    select carries the deal's number, `12:commit`)."""
    return [Option(value=f"{prefix}{c}", label=forecast_option(c)) for c in FORECAST_CHOICES]


def deal_edit_form(deal: DealView, stages: tuple[str, ...], channel_id: str | None,
                   forecast: str | None = None) -> View:
    """The deal's name, stage, amount, currency, expected close and forecast category (the
    rep's override `forecast`, None: auto), to change."""
    stage_options = [Option(value=s, label=stage_label(s).capitalize())
                     for s in stages if s not in ("won", "lost")]
    initial = next((o for o in stage_options if o.value == deal.stage), None)
    close = DatePickerElement(action_id="close")
    if deal.expected_close:
        close = DatePickerElement(action_id="close", initial_date=deal.expected_close.isoformat())
    return modal(
        DEAL_EDIT_CALLBACK, title=t("Edit {ref}", ref=deal.ref), submit=tp("button", "Save"),
        meta={"number": deal.ref.removeprefix("D-"), "channel_id": channel_id},
        blocks=[
            InputBlock(block_id="name", label=tp("deal field", "Name"),
                element=PlainTextInputElement(
                action_id="name", initial_value=deal.name, max_length=LIMITS["deal name"])),
            InputBlock(block_id="stage", label=tp("deal field", "Stage"),
                element=StaticSelectElement(
                action_id="stage", options=stage_options, initial_option=initial)),
            InputBlock(block_id="amount", label=tp("deal field", "Amount"),
                       hint="120000, 120k, 1.2m, $120k, 12万",
                       element=PlainTextInputElement(action_id="amount",
                                                     initial_value=f"{deal.amount:f}")),
            InputBlock(block_id="currency", label=tp("deal field", "Currency"),
                element=PlainTextInputElement(
                action_id="currency", initial_value=deal.currency, max_length=3)),
            InputBlock(block_id="close", label=t("Expected close"), optional=True, element=close),
            # a closed deal's category follows from its stage: no select to refuse later
            *([InputBlock(block_id="forecast", label=t("Forecast category"), optional=True,
                          element=StaticSelectElement(
                              action_id="forecast", options=(picks := forecast_options()),
                              initial_option=next(o for o in picks
                                                  if o.value == (forecast or AUTO[0]))))]
              if deal.is_open else []),
        ],
    )


def deal_lost_form(number: str, channel_id: str | None) -> View:
    """Why deal `number` was lost, before it is marked lost."""
    return modal(
        DEAL_LOST_CALLBACK, title=t("Mark D-{number} lost", number=number),
        submit=tp("button", "Mark lost"),
        meta={"number": number, "channel_id": channel_id},
        blocks=[
            InputBlock(block_id="reason", label=t("Why was it lost?"),
                element=PlainTextInputElement(
                action_id="reason", placeholder=t("price, timing, competitor..."),
                max_length=LIMITS["lost reason"])),
        ],
    )
