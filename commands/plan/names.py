"""Names a reader sees for what /target and /plan are about: a period (2026-12 in English,
2026年12月 in Chinese) and a metric (revenue, 营收).

`Period.label` stays what people type (`month:2026-12`); command examples keep using it, as
they keep the metric's key (`/target set team revenue ...`).
"""

from __future__ import annotations

from commands.core.i18n import current_locale, tp
from commands.core.periods import Period


def period_name(p: Period) -> str:
    """2026, 2026-Q4, 2026-12, 2026-W49 or 2026-12-01 (English); 2026年, 2026年第4季度,
    2026年12月, 2026年第49周 or 2026年12月1日 (Chinese)."""
    if current_locale() != "zh":
        return p.label
    s = p.start
    if p.kind == "year":
        return f"{s.year}年"
    if p.kind == "quarter":
        return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
    if p.kind == "month":
        return f"{s.year}年{s.month}月"
    if p.kind == "week":
        iso = s.isocalendar()
        return f"{iso.year}年第{iso.week}周"
    return f"{s.year}年{s.month}月{s.day}日"


def metric_name(metric: str) -> str:
    """revenue, wins, visits, new_customers, opportunities: as English replies have always
    written them (the key), or in Chinese."""
    if current_locale() == "en":
        return metric
    names = {"revenue": tp("metric", "revenue"), "wins": tp("metric", "wins"),
             "visits": tp("metric", "visits"), "new_customers": tp("metric", "new_customers"),
             "opportunities": tp("metric", "opportunities")}
    return names.get(metric, metric)
