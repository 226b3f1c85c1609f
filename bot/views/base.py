"""What every modal shares: select options, and reading what a submitted form holds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, Option
from slack_sdk.models.views import View

from commands.core.i18n import t, tp


def modal(callback_id: str, *, title: str, submit: str, meta: dict[str, Any],
          blocks: Sequence[Block]) -> View:
    """A form salesbot reads back by `callback_id`; `meta` rides along in its private
    metadata (where to answer, what it is about)."""
    return View(type="modal", callback_id=callback_id, title=title, submit=submit,
                close=t("Cancel"), private_metadata=json.dumps(meta), blocks=list(blocks))


def options(values: tuple[str, ...] | list[str]) -> list[Option]:
    """One option per value, labelled with it capitalised (in the reader's language)."""
    return [Option(value=v, label=option_label(v)) for v in values]


def option_label(value: str) -> str:
    """How a form shows a stored value (a visit type, an outcome, a stage, a period); a
    value it does not know (a workspace's own stage) capitalised as it is."""
    labels = {
        "visit": tp("visit type", "Visit"),
        "call": tp("visit type", "Call"),
        "demo": tp("visit type", "Demo"),
        "meeting": tp("visit type", "Meeting"),
        "email": tp("visit type", "Email"),
        "positive": tp("outcome", "Positive"),
        "neutral": tp("outcome", "Neutral"),
        "negative": tp("outcome", "Negative"),
        "lead": tp("stage", "Lead"),
        "qualified": tp("stage", "Qualified"),
        "proposal": tp("stage", "Proposal"),
        "negotiation": tp("stage", "Negotiation"),
        "won": tp("stage", "Won"),
        "lost": tp("stage", "Lost"),
        "month": tp("period", "Month"),
        "quarter": tp("period", "Quarter"),
    }
    return labels.get(value, value.capitalize())


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
            elif kind == "users_select":
                out[block_id] = element.get("selected_user")
            else:
                out[block_id] = element.get("value")
    return out
