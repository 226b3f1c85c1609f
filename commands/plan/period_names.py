"""A period's name as a reader sees it: 2026-12 in English, 2026年12月 in Chinese.

`Period.label` stays what people type (`month:2026-12`); command examples keep using it.
"""

from __future__ import annotations

from commands.core.i18n import current_locale
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
