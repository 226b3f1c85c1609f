"""The reply to /sales export: the CSV files go to the caller's DM."""

from __future__ import annotations

from bot.render.base import Reply, escape, render, sections
from commands.core.i18n import listed, tn, tp
from commands.io.sales_export import ExportResult


def _table_name(table: str) -> str:
    """An export table's name in the reader's language (customers, deal history...)."""
    names = {"customers": tp("export table", "customers"),
             "activities": tp("export table", "activities"),
             "deals": tp("export table", "deals"),
             "deal_history": tp("export table", "deal history"),
             "targets": tp("export table", "targets"),
             "follow_ups": tp("export table", "follow ups"),
             "forecast_calls": tp("export table", "forecast calls"),
             "forecast_adjustments": tp("export table", "forecast adjustments")}
    return names.get(table) or table.replace("_", " ")


@render.register
def render_export(r: ExportResult) -> Reply:
    rows = listed(f"{_table_name(table)} {n}" for table, n in r.rows)
    text = tn(":inbox_tray: Sending you {n} CSV file in a direct message: {scope} ({rows}).",
              ":inbox_tray: Sending you {n} CSV files in a direct message: {scope} ({rows}).",
              len(r.files), scope=escape(r.scope), rows=rows)
    return Reply(text=text, blocks=sections(text), files=r.files)
