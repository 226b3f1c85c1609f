"""Reading the rules' DataFrames: rows as dicts, and pandas' missing values as None."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from commands.core.dates import iso_or_day
from commands.core.i18n import t

ZERO = Decimal(0)


def frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame is missing columns: {', '.join(missing)}")
    return list(frame.to_dict("records"))


def value_or_none(value: Any) -> Any:
    """Return None for None, NaN and NaT, which pandas puts in for missing values."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or (isinstance(value, Decimal) and value.is_nan()):
        return None
    return value


def as_day(value: Any) -> date | None:
    value = value_or_none(value)
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"not a date: {value!r}")


def as_int(value: Any) -> int:
    value = value_or_none(value)
    return 0 if value is None else int(value)


def owner_name(value: Any) -> str:
    value = value_or_none(value)
    return t("no owner") if value is None else str(value)


def as_money(value: Any) -> Decimal:
    value = value_or_none(value)
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def shown_day(d: date, today: date | None = None) -> str:
    """A date in a warning: 2026-11-20 in English (as `/deal ... close:` takes it), 11月20日
    周五 in Chinese."""
    return iso_or_day(d, today)
