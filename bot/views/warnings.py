"""The warning Snooze form."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.render.base import SECTION_LIMIT, escape
from bot.views.base import modal
from commands.warnings.warnings import MAX_REASON, WarningRef

WARNING_SNOOZE_CALLBACK = "warning_snooze_form"


def snooze_form(ref: WarningRef, days: int, channel_id: str | None, *,
                from_home: bool = False) -> View:
    """Ask why a warning is snoozed (optional) before snoozing it for `days`; `from_home`:
    asked from the Home tab, which is drawn again once it is snoozed."""
    span = "1 day" if days == 1 else "1 week"
    return modal(
        WARNING_SNOOZE_CALLBACK, title="Snooze warning", submit=f"Snooze {span}",
        meta={"team_id": ref.team_id, "key": ref.key, "days": days,
              "channel_id": channel_id, "home": from_home},
        blocks=[
            SectionBlock(text=MarkdownTextObject(
                text=f"*{escape(ref.team_name)}*: {escape(ref.message)}"[:SECTION_LIMIT])),
            ContextBlock(elements=[MarkdownTextObject(
                text=f"It will not be posted for {span}, whatever happens.")]),
            InputBlock(block_id="reason", label="Why?", optional=True,
                       element=PlainTextInputElement(
                           action_id="reason", max_length=MAX_REASON,
                           placeholder="Customer on holiday until Monday")),
        ],
    )
