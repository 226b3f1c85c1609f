"""The warning forms: Snooze, and Create action."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.render.base import SECTION_LIMIT, escape
from bot.views.base import modal
from commands.core.i18n import t
from commands.core.limits import LIMITS
from commands.warnings.action_links import ActionDraft
from commands.warnings.warnings import MAX_REASON, WarningRef

WARNING_SNOOZE_CALLBACK = "warning_snooze_form"
ACTION_CALLBACK = "warning_action_form"
# the Create action form's inputs, by block id
ACTION_INPUTS = ("owner", "text", "due")


def snooze_form(ref: WarningRef, days: int, channel_id: str | None, *,
                from_home: bool = False) -> View:
    """Ask why a warning is snoozed (optional) before snoozing it for `days`; `from_home`:
    asked from the Home tab, which is drawn again once it is snoozed."""
    week = days != 1
    return modal(
        WARNING_SNOOZE_CALLBACK, title=t("Snooze warning"),
        submit=t("Snooze 1 week") if week else t("Snooze 1 day"),
        meta={"team_id": ref.team_id, "key": ref.key, "days": days,
              "channel_id": channel_id, "home": from_home},
        blocks=[
            SectionBlock(text=MarkdownTextObject(
                text=f"*{escape(ref.team_name)}*: {escape(ref.message)}"[:SECTION_LIMIT])),
            ContextBlock(elements=[MarkdownTextObject(
                text=t("It will not be posted for 1 week, whatever happens.") if week
                else t("It will not be posted for 1 day, whatever happens."))]),
            InputBlock(block_id="reason", label=t("Why?"), optional=True,
                       element=PlainTextInputElement(
                           action_id="reason", max_length=MAX_REASON,
                           placeholder=t("Customer on holiday until Monday"))),
        ],
    )


def action_form(draft: ActionDraft, channel_id: str | None) -> View:
    """An action item on a firing warning: its owner (the person it is about), what to do
    (the warning's fix) and when; linked to the warning's metric, judged at the review."""
    return modal(
        ACTION_CALLBACK, title=t("Create action"), submit=t("Create it"),
        meta={"team_id": draft.team_id, "key": draft.key, "channel_id": channel_id},
        blocks=[
            ContextBlock(elements=[MarkdownTextObject(
                text=t("Judged by *{metric}*, {value} now.", metric=escape(draft.metric_label),
                       value=format(draft.value.normalize(), "f"))[:SECTION_LIMIT])]),
            InputBlock(block_id="owner", label=t("Owner"), element=UserSelectElement(
                action_id="owner", initial_user=draft.owner_user_id)),
            InputBlock(block_id="text", label=t("What to do"), element=PlainTextInputElement(
                action_id="text", max_length=LIMITS["action item"],
                initial_value=draft.text or None)),
            InputBlock(block_id="due", label=t("Due"), optional=True,
                       element=DatePickerElement(action_id="due")),
        ],
    )
