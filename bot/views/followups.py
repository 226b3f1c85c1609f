"""The Add follow-up form (a message's shortcut): what, by when, with which customer, on
which deal."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.views.base import modal
from commands.core.i18n import t, tp
from commands.core.limits import LIMITS

FOLLOW_UP_CALLBACK = "followup_form"
# the form's inputs, by block id
FOLLOW_UP_INPUTS = ("text", "by", "customer", "deal")


def follow_up_form(*, text: str, today: date, channel_id: str | None) -> View:
    """A follow-up of the user's own, its text pre-filled (from the message), due today."""
    limit = LIMITS["next step"]
    return modal(
        FOLLOW_UP_CALLBACK, title=t("Add follow-up"), submit=t("Add it"),
        meta={"channel_id": channel_id},
        blocks=[
            InputBlock(block_id="text", label=t("Follow-up"), element=PlainTextInputElement(
                action_id="text", max_length=limit, initial_value=text[:limit] or None)),
            InputBlock(block_id="by", label=t("Due by"),
                       hint=t("You are reminded that morning"),
                       element=DatePickerElement(action_id="by",
                                                 initial_date=today.isoformat())),
            # the visit form's customer type-ahead (bot.listeners.visits.customer_options
            # answers for the action id `customer`): a known name, or "New customer: …"
            InputBlock(block_id="customer", label=tp("visit field", "Customer"),
                       optional=True, hint=t("Leave it empty to take the deal's customer"),
                       element=ExternalDataSelectElement(
                           action_id="customer",
                           placeholder=t("Start typing a customer name"),
                           min_query_length=1)),
            InputBlock(block_id="deal", label=tp("form", "Deal"), optional=True,
                       hint=t("A deal reference like D-3"),
                       element=PlainTextInputElement(action_id="deal", max_length=20)),
        ],
    )
