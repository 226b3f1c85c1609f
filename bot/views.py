"""Modals: the /visit form, the deal edit form and the lost-reason form."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from commands.core.limits import LIMITS
from commands.deals.deal import DealView
from commands.deals.visit import OUTCOMES, TYPES

VISIT_CALLBACK = "visit_form"
DEAL_EDIT_CALLBACK = "deal_edit_form"
DEAL_LOST_CALLBACK = "deal_lost_form"
NEW_CUSTOMER_PREFIX = "new:"


def _options(values: tuple[str, ...] | list[str]) -> list[Option]:
    return [Option(value=v, label=v.capitalize()) for v in values]


def visit_form(*, today: date, channel_id: str | None) -> View:
    """The /visit form: customer type-ahead, type, date, outcome, notes, next step, deal."""
    return View(
        type="modal",
        callback_id=VISIT_CALLBACK,
        title="Log a visit",
        submit="Log it",
        close="Cancel",
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[
            InputBlock(block_id="customer", label="Customer", element=ExternalDataSelectElement(
                action_id="customer", placeholder="Start typing a customer name",
                min_query_length=1)),
            InputBlock(block_id="type", label="Type", element=StaticSelectElement(
                action_id="type", options=_options(TYPES), initial_option=_options(TYPES)[0])),
            InputBlock(block_id="on", label="When", element=DatePickerElement(
                action_id="on", initial_date=today.isoformat())),
            InputBlock(block_id="outcome", label="Outcome", optional=True,
                       element=StaticSelectElement(action_id="outcome",
                                                   options=_options(OUTCOMES))),
            InputBlock(block_id="notes", label="Notes", optional=True,
                       element=PlainTextInputElement(action_id="notes", multiline=True,
                                                     max_length=LIMITS["notes"])),
            InputBlock(block_id="next", label="Next step", optional=True,
                       element=PlainTextInputElement(action_id="next",
                                                     max_length=LIMITS["next step"])),
            InputBlock(block_id="deal", label="Deal", optional=True,
                       hint="A deal reference like D-3",
                       element=PlainTextInputElement(action_id="deal", max_length=20)),
        ],
    )


def deal_edit_form(deal: DealView, stages: tuple[str, ...], channel_id: str | None) -> View:
    stage_options = _options([s for s in stages if s not in ("won", "lost")])
    initial = next((o for o in stage_options if o.value == deal.stage), None)
    close = DatePickerElement(action_id="close")
    if deal.expected_close:
        close = DatePickerElement(action_id="close", initial_date=deal.expected_close.isoformat())
    return View(
        type="modal",
        callback_id=DEAL_EDIT_CALLBACK,
        title=f"Edit {deal.ref}",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"number": deal.ref.removeprefix("D-"),
                                     "channel_id": channel_id}),
        blocks=[
            InputBlock(block_id="name", label="Name", element=PlainTextInputElement(
                action_id="name", initial_value=deal.name, max_length=LIMITS["deal name"])),
            InputBlock(block_id="stage", label="Stage", element=StaticSelectElement(
                action_id="stage", options=stage_options, initial_option=initial)),
            InputBlock(block_id="amount", label="Amount", hint="120000, 120k, 1.2m, $120k, 12万",
                       element=PlainTextInputElement(action_id="amount",
                                                     initial_value=f"{deal.amount:f}")),
            InputBlock(block_id="currency", label="Currency", element=PlainTextInputElement(
                action_id="currency", initial_value=deal.currency, max_length=3)),
            InputBlock(block_id="close", label="Expected close", optional=True, element=close),
        ],
    )


def deal_lost_form(number: str, channel_id: str | None) -> View:
    return View(
        type="modal",
        callback_id=DEAL_LOST_CALLBACK,
        title=f"Mark D-{number} lost",
        submit="Mark lost",
        close="Cancel",
        private_metadata=json.dumps({"number": number, "channel_id": channel_id}),
        blocks=[
            InputBlock(block_id="reason", label="Why was it lost?", element=PlainTextInputElement(
                action_id="reason", placeholder="price, timing, competitor...",
                max_length=LIMITS["lost reason"])),
        ],
    )


def values(view: dict[str, Any]) -> dict[str, str | None]:
    """Flatten a submitted view's state to {block_id: value}."""
    out: dict[str, str | None] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for element in actions.values():
            kind = element.get("type")
            if kind in ("static_select", "external_select"):
                selected = element.get("selected_option")
                out[block_id] = selected["value"] if selected else None
            elif kind == "datepicker":
                out[block_id] = element.get("selected_date")
            else:
                out[block_id] = element.get("value")
    return out
