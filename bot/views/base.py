"""What every modal shares: select options, and reading what a submitted form holds."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Option


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
            else:
                out[block_id] = element.get("value")
    return out
