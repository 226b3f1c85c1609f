"""What every modal shares: select options, and reading what a submitted form holds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, Option
from slack_sdk.models.views import View


def modal(callback_id: str, *, title: str, submit: str, meta: dict[str, Any],
          blocks: Sequence[Block]) -> View:
    """A form salesbot reads back by `callback_id`; `meta` rides along in its private
    metadata (where to answer, what it is about)."""
    return View(type="modal", callback_id=callback_id, title=title, submit=submit,
                close="Cancel", private_metadata=json.dumps(meta), blocks=list(blocks))


def options(values: tuple[str, ...] | list[str]) -> list[Option]:
    """One option per value, labelled with it capitalised."""
    return [Option(value=v, label=v.capitalize()) for v in values]


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
