"""Names a reader sees for what /target and /plan are about: a period (2026-12 in English,
2026年12月 in Chinese) and a metric (revenue, 收入).

`Period.label` stays what people type (`month:2026-12`); command examples keep using it, as
they keep the metric's key (`/target set team revenue ...`).
"""

from __future__ import annotations

import re

from commands.core.i18n import current_locale, tp
from commands.core.periods import Period

_YEAR_LABEL = re.compile(r"^(\d{4})$")
_QUARTER_LABEL = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY_LABEL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def period_name(p: Period | str) -> str:
    """A period as a reader sees it, given as a Period or as its label: 2026, 2026-Q4,
    2026-12, 2026-W49 or 2026-12-01 (English); 2026年, 2026年第4季度, 2026年12月, 2026年第49周
    or 2026年12月1日 (Chinese). The one place a period gets its shown name."""
    return _label_name(p if isinstance(p, str) else p.label)


def _label_name(label: str) -> str:
    """A period's label (2026, 2026-Q4, 2026-12, 2026-W49, 2026-12-01) by its shown name;
    anything else as written."""
    if current_locale() != "zh":
        return label
    if m := _YEAR_LABEL.match(label):
        return f"{m.group(1)}年"
    if m := _QUARTER_LABEL.match(label):
        return f"{m.group(1)}年第{m.group(2)}季度"
    if m := _MONTH_LABEL.match(label):
        return f"{m.group(1)}年{int(m.group(2))}月"
    if m := _WEEK_LABEL.match(label):
        return f"{m.group(1)}年第{int(m.group(2))}周"
    if m := _DAY_LABEL.match(label):
        return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"
    return label


def metric_name(metric: str, *, spaced: bool = False) -> str:
    """revenue, wins, visits, new_customers, opportunities: as English replies have always
    written them (the key; "new customers" when `spaced`, as reports write it), or in
    Chinese."""
    if current_locale() == "en":
        return metric.replace("_", " ") if spaced else metric
    names = {"revenue": tp("metric", "revenue"), "wins": tp("metric", "wins"),
             "visits": tp("metric", "visits"), "new_customers": tp("metric", "new_customers"),
             "opportunities": tp("metric", "opportunities")}
    found = names.get(metric)
    return found or (metric.replace("_", " ") if spaced else metric)
