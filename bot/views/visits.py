"""The /visit form."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.views.base import modal
from commands.core.i18n import t, tp
from commands.core.limits import LIMITS
from commands.deals.labels import outcome_option, type_option
from commands.deals.visit import OUTCOMES, TYPES

VISIT_CALLBACK = "visit_form"
NEW_CUSTOMER_PREFIX = "new:"
# the form's inputs, by block id
VISIT_INPUTS = ("customer", "type", "on", "outcome", "notes", "next", "by", "deal")


def visit_form(*, today: date, channel_id: str | None, customer: str | None = None,
               deal_ref: str | None = None, next_step: str | None = None,
               notes: str | None = None) -> View:
    """The /visit form: customer type-ahead, type, date, outcome, notes, next step and the
    day it is due (a follow-up), deal; pre-filled from a follow-up or a message when given."""
    picked = Option(value=customer, label=customer[:75]) if customer else None
    types = [Option(value=v, label=type_option(v)) for v in TYPES]
    return modal(
        VISIT_CALLBACK, title=t("Log a visit"), submit=tp("button", "Log it"),
        meta={"channel_id": channel_id},
        blocks=[
            InputBlock(block_id="customer", label=tp("visit field", "Customer"),
                element=ExternalDataSelectElement(
                action_id="customer", placeholder=t("Start typing a customer name"),
                min_query_length=1, initial_option=picked)),
            InputBlock(block_id="type", label=tp("visit field", "Type"),
                element=StaticSelectElement(
                action_id="type", options=types, initial_option=types[0])),
            InputBlock(block_id="on", label=tp("visit field", "When"), element=DatePickerElement(
                action_id="on", initial_date=today.isoformat())),
            InputBlock(block_id="outcome", label=tp("visit field", "Outcome"), optional=True,
                       element=StaticSelectElement(
                           action_id="outcome",
                           options=[Option(value=v, label=outcome_option(v))
                                    for v in OUTCOMES])),
            InputBlock(block_id="notes", label=tp("visit field", "Notes"), optional=True,
                       element=PlainTextInputElement(
                           action_id="notes", multiline=True, max_length=LIMITS["notes"],
                           initial_value=notes[:LIMITS["notes"]] if notes else None)),
            InputBlock(block_id="next", label=tp("visit field", "Next step"), optional=True,
                       element=PlainTextInputElement(
                           action_id="next", max_length=LIMITS["next step"],
                           initial_value=next_step[:LIMITS["next step"]] if next_step
                           else None)),
            InputBlock(block_id="by", label=t("Next step due by"), optional=True,
                       hint=t("A day makes the next step a follow-up, reminded that morning"),
                       element=DatePickerElement(action_id="by")),
            InputBlock(block_id="deal", label=tp("visit field", "Deal"), optional=True,
                       hint=t("A deal reference like D-3"),
                       element=PlainTextInputElement(action_id="deal", max_length=20,
                                                     initial_value=deal_ref)),
        ],
    )
