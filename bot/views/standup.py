"""Modals of the stand-up: the answer form (pre-filled) and the out-of-office form."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.views.base import modal
from commands.core.dates import format_day
from commands.core.i18n import t, tp
from commands.standup.draft import MAX_TEXT, StandupDraft

STANDUP_ANSWER_CALLBACK = "standup_answer_form"
STANDUP_AWAY_CALLBACK = "standup_ooo_form"
# the answer form's inputs, by block id
ANSWER_INPUTS = ("yesterday", "today", "blockers")


def _text(action_id: str, value: str, *, placeholder: str, multiline: bool = True
          ) -> PlainTextInputElement:
    return PlainTextInputElement(action_id=action_id, multiline=multiline, max_length=MAX_TEXT,
                                 placeholder=placeholder, initial_value=value or None)


def standup_answer_form(draft: StandupDraft, channel_id: str | None, *,
                        from_home: bool = False) -> View:
    """Yesterday, today and blockers, pre-filled from logged work and the plan; `from_home`:
    opened from the Home tab, which is drawn again once the answer is in."""
    note = t("*{team}* stand-up for {day}", team=draft.team_name, day=format_day(draft.day))
    if draft.plan_hint:
        note += t(" · your plan: {plan}", plan=draft.plan_hint)
    return modal(
        STANDUP_ANSWER_CALLBACK, title=t("Stand-up"), submit=tp("button", "Send"),
        meta={"day": draft.day.isoformat(), "channel_id": channel_id, "home": from_home},
        blocks=[
            ContextBlock(elements=[MarkdownTextObject(text=note[:2900])]),
            InputBlock(block_id="yesterday",
                       label=t("Yesterday ({day})", day=format_day(draft.previous_day)),
                       hint=t("Pre-filled from the visits and deal moves you logged."),
                       element=_text("yesterday", draft.yesterday,
                                     placeholder=t("Visits, calls, deals moved"))),
            InputBlock(block_id="today", label=tp("stand-up", "Today"),
                       element=_text("today", draft.today,
                                     placeholder=t("What you will do"))),
            InputBlock(block_id="blockers", label=tp("stand-up", "Blockers"), optional=True,
                       element=_text("blockers", draft.blockers,
                                     placeholder=tp("blockers", "none"), multiline=False)),
        ],
    )


def standup_away_form(day: date, channel_id: str | None, *, from_home: bool = False) -> View:
    """From and until which day you are out of office; `from_home`: asked from the Home
    tab, which is drawn again once it is saved."""
    return modal(
        STANDUP_AWAY_CALLBACK, title=t("Out of office"), submit=tp("button", "Save"),
        meta={"channel_id": channel_id, "home": from_home},
        blocks=[
            InputBlock(block_id="start", label=tp("date range", "From"),
                       element=DatePickerElement(action_id="start",
                                                 initial_date=day.isoformat())),
            InputBlock(block_id="end", label=t("Until (included)"), element=DatePickerElement(
                action_id="end", initial_date=day.isoformat())),
        ],
    )
