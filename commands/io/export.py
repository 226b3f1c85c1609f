"""Export customers, activities, deals, deal history, targets and follow-ups as CSV files or
a workbook.

Each table is one SQL query with its joins done in the database, read into pandas and
given readable columns: names instead of ids, D-<n> references, money as a decimal string
in its currency (not minor units), timestamps as ISO 8601 in UTC. `export_tables` builds
the tables; `csv_bytes` and `xlsx_bytes` turn them into files to upload, and
`write_export` saves them into a directory.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.i18n import tp, use_locale
from commands.core.periods import Period
from storage import repo

CUSTOMERS = "customers"
ACTIVITIES = "activities"
DEALS = "deals"
DEAL_HISTORY = "deal_history"
TARGETS = "targets"
FOLLOW_UPS = "follow_ups"
FORECAST_CALLS = "forecast_calls"
FORECAST_ADJUSTMENTS = "forecast_adjustments"
TABLES = (CUSTOMERS, ACTIVITIES, DEALS, DEAL_HISTORY, TARGETS, FOLLOW_UPS, FORECAST_CALLS,
          FORECAST_ADJUSTMENTS)

CUSTOMERS_CSV = "customers.csv"
ACTIVITIES_CSV = "activities.csv"
DEALS_CSV = "deals.csv"
DEAL_HISTORY_CSV = "deal_history.csv"
TARGETS_CSV = "targets.csv"
FOLLOW_UPS_CSV = "follow_ups.csv"
WORKBOOK = "salesbot-export.xlsx"

# In a workbook these columns hold numbers and dates, not text, so a spreadsheet can sum
# and sort them; Decimal cells are written exactly as their digits.
_AMOUNT_COLUMNS = frozenset({"amount", "target", "stretch", "challenge", "commit", "best"})
_DAY_COLUMNS = frozenset({"date", "expected_close", "start", "end", "due", "follow_up_by"})

Format: TypeAlias = Callable[[Any], str | None]


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class _Table:
    query: Callable[[int | None, Collection[int] | None], repo.exports.Query]
    formats: dict[str, Format]


def export_tables(
    session: Session, workspace_id: int | None, member_ids: Collection[int] | None = None
) -> dict[str, pd.DataFrame]:
    """The export's tables by name, every cell text (or None), for one workspace or all.

    Args:
        workspace_id: the workspace to export; None exports every workspace.
        member_ids: when given, only what these members own or are scoped to: their
            activities, their deals and those deals' history, their own targets and their
            teams' targets, and the customers they own or have worked with (a deal or an
            activity). None exports everything.
    """
    query = repo.exports
    tables: dict[str, _Table] = {
        CUSTOMERS: _Table(query.customers_table, {"tier": _text, "created_at": _timestamp}),
        ACTIVITIES: _Table(query.activities_table, {"date": _day, "type": _text,
                                                    "outcome": _text, "logged_at": _timestamp,
                                                    "follow_up_by": _day,
                                                    "follow_up_done_at": _timestamp}),
        DEALS: _Table(query.deals_table, {"amount": _money, "expected_close": _day,
                                          "created_at": _timestamp, "closed_at": _timestamp}),
        DEAL_HISTORY: _Table(query.deal_history_table, {"changed_at": _timestamp}),
        TARGETS: _Table(query.targets_table, {"start": _day, "end": _day, "target": _money,
                                              "stretch": _money, "challenge": _money,
                                              "set_at": _timestamp}),
        FOLLOW_UPS: _Table(query.follow_ups_table, {"due": _day, "created_at": _timestamp,
                                                    "done_at": _timestamp}),
        FORECAST_CALLS: _Table(query.forecast_calls_table, {
            "start": _day, "end": _day, "commit": _money, "best": _money,
            "submitted_at": _timestamp}),
        FORECAST_ADJUSTMENTS: _Table(query.forecast_adjustments_table, {
            "start": _day, "end": _day, "commit": _money, "best": _money,
            "adjusted_at": _timestamp}),
    }
    ids = None if member_ids is None else sorted(set(member_ids))
    connection = session.connection()
    out: dict[str, pd.DataFrame] = {}
    for name, table in tables.items():
        frame = pd.read_sql(table.query(workspace_id, ids), connection, coerce_float=False)
        for column, fmt in table.formats.items():
            frame[column] = frame[column].map(fmt)
        frame = frame.astype(object)
        out[name] = frame.where(frame.notna(), None)
    out[TARGETS] = _counts_as_counts(_label_periods(out[TARGETS]))
    return out


def _counts_as_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """A count target (visits, wins...) as the count it is: 300, not the money form 300.00."""
    counts = frame["metric"] != "revenue"
    for column in ("target", "stretch", "challenge"):
        frame.loc[counts, column] = [
            None if v is None else f"{Decimal(v).normalize():f}"
            for v in frame.loc[counts, column]]
    return frame


def csv_bytes(tables: dict[str, pd.DataFrame], *, bom: bool = False) -> dict[str, bytes]:
    """One UTF-8 CSV file per table, by file name (`deals.csv`), ready to save or upload.

    With `bom`, each starts with a byte order mark: Excel then reads Chinese headers and
    names as UTF-8 rather than the system's code page (the importer skips the mark).
    """
    encoding = "utf-8-sig" if bom else "utf-8"
    return {f"{name}.csv": frame.to_csv(index=False, lineterminator="\n").encode(encoding)
            for name, frame in tables.items()}


def column_headers() -> dict[str, str]:
    """Each export column's header in the current language; in English, the column itself
    (what the importer reads, so an English export re-imports as it is)."""
    return {
        "workspace": tp("export column", "workspace"), "name": tp("export column", "name"),
        "tier": tp("export column", "tier"), "owner": tp("export column", "owner"),
        "created_at": tp("export column", "created_at"), "date": tp("export column", "date"),
        "type": tp("export column", "type"), "customer": tp("export column", "customer"),
        "deal": tp("export column", "deal"), "member": tp("export column", "member"),
        "outcome": tp("export column", "outcome"), "notes": tp("export column", "notes"),
        "next_step": tp("export column", "next_step"),
        "logged_at": tp("export column", "logged_at"),
        "follow_up_by": tp("export column", "follow_up_by"),
        "follow_up_done_at": tp("export column", "follow_up_done_at"),
        "ref": tp("export column", "ref"), "amount": tp("export column", "amount"),
        "currency": tp("export column", "currency"), "stage": tp("export column", "stage"),
        "expected_close": tp("export column", "expected_close"),
        "closed_at": tp("export column", "closed_at"),
        "lost_reason": tp("export column", "lost_reason"),
        "forecast_category": tp("export column", "forecast_category"),
        "field": tp("export column", "field"), "old": tp("export column", "old"),
        "new": tp("export column", "new"), "changed_by": tp("export column", "changed_by"),
        "changed_at": tp("export column", "changed_at"), "scope": tp("export column", "scope"),
        "scope_kind": tp("export column", "scope_kind"),
        "metric": tp("export column", "metric"),
        "period_kind": tp("export column", "period_kind"),
        "period": tp("export column", "period"), "start": tp("export column", "start"),
        "end": tp("export column", "end"), "target": tp("export column", "target"),
        "stretch": tp("export column", "stretch"),
        "challenge": tp("export column", "challenge"), "split": tp("export column", "split"),
        "set_by": tp("export column", "set_by"), "set_at": tp("export column", "set_at"),
        "text": tp("export column", "text"), "due": tp("export column", "due"),
        "created_by": tp("export column", "created_by"),
        "done_at": tp("export column", "done_at"), "person": tp("export column", "person"),
        "team": tp("export column", "team"), "commit": tp("export column", "commit"),
        "best": tp("export column", "best"), "note": tp("export column", "note"),
        "submitted_at": tp("export column", "submitted_at"),
        "reason": tp("export column", "reason"),
        "adjusted_by": tp("export column", "adjusted_by"),
        "adjusted_at": tp("export column", "adjusted_at"),
    }


def with_headers_in(tables: dict[str, pd.DataFrame],
                    lang: str | None) -> dict[str, pd.DataFrame]:
    """The tables with their column headers in `lang` (the cells stay as exported)."""
    with use_locale(lang):
        headers = column_headers()
    return {name: frame.rename(columns=headers) for name, frame in tables.items()}


@cache
def _columns_by_header() -> dict[str, str]:
    with use_locale("zh"):
        translated = column_headers()
    return {" ".join(header.split()): column for column, header in translated.items()}


def column_of(header: str) -> str:
    """The export column a header names: a Chinese export's header (客户) gives its English
    column (customer); any other header is returned as it is."""
    return _columns_by_header().get(" ".join(header.split()), header)


def xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """One workbook with a sheet per table; amounts are numbers and dates are dates."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="YYYY-MM-DD") as writer:
        for name, frame in tables.items():
            typed = frame.copy()
            for column in typed.columns:
                if column in _AMOUNT_COLUMNS:
                    typed[column] = typed[column].map(_as_decimal).astype(object)
                elif column in _DAY_COLUMNS:
                    typed[column] = typed[column].map(_as_date).astype(object)
            typed.to_excel(writer, sheet_name=name, index=False)
            _tidy_sheet(writer.sheets[name], frame)
    return buffer.getvalue()


def write_export(
    tables: dict[str, pd.DataFrame], out_dir: Path, fmt: ExportFormat | str = ExportFormat.CSV,
    lang: str | None = None,
) -> dict[str, int]:
    """Save the tables into `out_dir`: a CSV file per table, or one `salesbot-export.xlsx`,
    with the column headers in `lang` (None, "en": the columns themselves, what other tools
    expect; "zh": as `/sales export lang:zh` gives them).

    Returns how many data rows each table has, by table name.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    translated = lang not in (None, "en")
    if ExportFormat(fmt) is ExportFormat.XLSX:
        (out_dir / WORKBOOK).write_bytes(
            _headers_renamed(xlsx_bytes(tables), lang) if translated else xlsx_bytes(tables))
    else:
        named = with_headers_in(tables, lang) if translated else tables
        for file_name, data in csv_bytes(named, bom=translated).items():
            (out_dir / file_name).write_bytes(data)
    return {name: len(frame) for name, frame in tables.items()}


def _headers_renamed(workbook: bytes, lang: str | None) -> bytes:
    """The workbook with its header rows in `lang`: renamed only once written, as the cells
    are typed (numbers, dates) by their column."""
    from openpyxl import load_workbook

    with use_locale(lang):
        headers = column_headers()
    book = load_workbook(io.BytesIO(workbook))
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.value = headers.get(str(cell.value), cell.value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_csv(session: Session, workspace_id: int | None, out_dir: Path) -> dict[str, int]:
    """Write one CSV file per table for one workspace (None: every workspace) into `out_dir`.

    Returns how many data rows each file got, by file name.
    """
    counts = write_export(export_tables(session, workspace_id), out_dir, ExportFormat.CSV)
    return {f"{name}.csv": rows for name, rows in counts.items()}


def _label_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the period as people write it (2026-Q4, 2026-12, 2026-W49) after its kind."""
    labels = [
        Period(kind, date.fromisoformat(start), date.fromisoformat(end)).label
        for kind, start, end in zip(frame["period_kind"], frame["start"], frame["end"],
                                    strict=True)
    ]
    frame.insert(int(frame.columns.get_loc("period_kind")) + 1, "period",
                 pd.Series(labels, index=frame.index, dtype=object))
    return frame


# --- cell formats -------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str | enum.Enum) and bool(pd.isna(value)))


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


def _day(value: Any) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, datetime):  # a pandas Timestamp for a date column
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _timestamp(value: Any) -> str | None:
    """ISO 8601 in UTC, to the second: 2026-11-20T01:30:00+00:00."""
    if _missing(value):
        return None
    moment = pd.Timestamp(value)
    if moment.tzinfo is None:
        raise ValueError(f"naive timestamp {value!r} in the database")
    return str(moment.tz_convert("UTC").isoformat(timespec="seconds"))


def _money(value: Any) -> str | None:
    """Integer minor units as a decimal amount: 12000000 -> '120000.00'."""
    if _missing(value):
        return None
    return f"{Decimal(int(value)).scaleb(-2):f}"


def _as_decimal(value: Any) -> Decimal | None:
    return Decimal(value) if isinstance(value, str) and value else None


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _tidy_sheet(sheet: Any, frame: pd.DataFrame) -> None:
    """Freeze the header row and widen each column to its longest cell (within reason)."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in frame[column] if v)])
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(longest + 2, 60)
        if column in _AMOUNT_COLUMNS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "#,##0.00"
