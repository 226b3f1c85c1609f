"""The reply to /sales export: the CSV files go to the caller's DM."""

from __future__ import annotations

from bot.render.base import Reply, escape, render, sections
from commands.io.sales_export import ExportResult


@render.register
def render_export(r: ExportResult) -> Reply:
    rows = ", ".join(f"{table.replace('_', ' ')} {n}" for table, n in r.rows)
    text = (f":inbox_tray: Sending you {len(r.files)} CSV files in a direct message: "
            f"{escape(r.scope)} ({rows}).")
    return Reply(text=text, blocks=sections(text), files=r.files)
