"""Reading an import file, CSV or Excel, into text cells indexed by file line."""


from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from commands.core.errors import UsageError
from commands.core.i18n import t

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_rows(path: Path, *, sheet: str | None = None) -> pd.DataFrame:
    """The file's rows as text ("" for an empty cell), indexed by the line people see.

    The header is line 1, so the first data row is line 2 (in a spreadsheet, its row
    number). Blank rows are left out but keep their numbers. From a workbook, the sheet
    called `sheet` is read when there is one, else the first sheet.
    """
    if not path.exists():
        raise UsageError(t("There is no file {path}.", path=path))
    if path.is_dir():
        raise UsageError(t("{path} is a directory; give a .csv or .xlsx file.", path=path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        numbered = _csv_records(path)
    elif suffix in XLSX_SUFFIXES:
        numbered = _xlsx_records(path, sheet)
    elif suffix == ".xls":
        raise UsageError(t("{file} is an old-style .xls workbook; save it as .xlsx or CSV.",
                           file=path.name))
    else:
        raise UsageError(t('{file}: unknown file type "{suffix}". Give a .csv or .xlsx file.',
                           file=path.name, suffix=suffix or "none"))
    if not numbered:
        raise UsageError(t("{file} is empty: it needs a header row and a row per record.",
                           file=path.name))
    (_, header), *records = numbered
    header = [h.strip().lstrip("\ufeff") for h in header]
    named = [h for h in header if h]
    twice = sorted({h for h in named if named.count(h) > 1})
    if twice:
        raise UsageError(t("{file} has the column {columns} more than once.", file=path.name,
                           columns=", ".join(twice)))
    width = len(header)
    rows = [(cells + [""] * width)[:width] for _, cells in records]
    frame = pd.DataFrame(rows, columns=header, index=[line for line, _ in records], dtype=object)
    frame = frame.loc[:, [h for h in header if h]]
    return frame


def _csv_records(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(t('{file} is not UTF-8 text. In Excel, save it as "CSV UTF-8".',
                           file=path.name)) from None
    first = text.split("\n", 1)[0]
    # Spreadsheets in many European locales separate CSV cells with semicolons.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                out.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UsageError(t("{file} line {line} is not valid CSV: {problem}.", file=path.name,
                           line=line, problem=exc)) from None
    return out


def _xlsx_records(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # a corrupt or mislabelled file: say so, not a traceback
        raise UsageError(t("{file} could not be read as a workbook: {problem}", file=path.name,
                           problem=exc)) from None
    names = {n.casefold(): n for n in book.sheetnames}
    chosen = book[names[sheet.casefold()]] if sheet and sheet.casefold() in names \
        else book.worksheets[0]
    out: list[tuple[int, list[str]]] = []
    for line, values in enumerate(chosen.iter_rows(min_row=1, values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        if any(c.strip() for c in cells):
            out.append((line, cells))
    return out


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a person would type: dates as ISO, numbers exact."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # 15 significant digits, as the spreadsheet shows it (0.1+0.2 is 0.3 there too)
        return f"{Decimal(f'{value:.15g}'):f}"
    return str(value)
