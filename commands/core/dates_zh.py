"""Simple Chinese dates: 今天, 昨天, 前天, 上周二, 下周五, 本月底, 3号, 下个月3号, 12月3日,
2026年12月3日."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

_DAYS = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1,
         "明日": 1, "后天": 2, "大后天": 3}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# 上周二 (last week's Tuesday), 本周五 / 这周五 (this week's), 下周一; 星期 and 礼拜 mean 周.
_WEEKDAY = re.compile(r"^(上上|上|本|这|下下|下)?(?:周|星期|礼拜)([一二三四五六日天])$")
_WEEK_SHIFT = {"上上": -2, "上": -1, "本": 0, "这": 0, "下": 1, "下下": 2}
_MONTH_END = re.compile(r"^(上|本|这|下)?(?:个)?月底$")
_MONTH_SHIFT = {"上": -1, "本": 0, "这": 0, "下": 1}
_DAY_OF_MONTH = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]$")
# 下个月3号, 本月15日, 上月3号
_DAY_OF_SHIFTED_MONTH = re.compile(r"^(上|本|这|下)(?:个)?月(\d{1,2})[日号]$")
_DAY_ONLY = re.compile(r"^(\d{1,2})[日号]$")  # 3号: the 3rd of this month, or the nearest one


def parse_chinese_day(
    text: str, *, today: date, prefer: Literal["past", "future"]
) -> date | None:
    """The day `text` names, or None when it is not one of the forms above.

    Weeks start on Monday. A bare 周二 and a month-day without a year follow `prefer`: the
    last one (a visit) or the next one (a close date), today included. Raises ValueError for
    a month-day that is not a real date (2月30日).
    """
    raw = text.strip()
    if raw in _DAYS:
        return today + timedelta(days=_DAYS[raw])
    if m := _WEEKDAY.match(raw):
        weekday = _WEEKDAYS[m.group(2)]
        if m.group(1) is None:
            back = (today.weekday() - weekday) % 7
            return today - timedelta(days=back) if prefer == "past" \
                else today + timedelta(days=(weekday - today.weekday()) % 7)
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(weeks=_WEEK_SHIFT[m.group(1)], days=weekday)
    if m := _MONTH_END.match(raw):
        index = today.year * 12 + today.month - 1 + _MONTH_SHIFT[m.group(1) or "本"] + 1
        return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)
    if m := _DAY_OF_MONTH.match(raw):
        month, day = int(m.group(2)), int(m.group(3))
        if m.group(1):
            return date(int(m.group(1)), month, day)
        return nearest(month, day, today=today, prefer=prefer)
    if m := _DAY_OF_SHIFTED_MONTH.match(raw):
        index = today.year * 12 + today.month - 1 + _MONTH_SHIFT[m.group(1)]
        return date(index // 12, index % 12 + 1, int(m.group(2)))
    if m := _DAY_ONLY.match(raw):
        return _nearest_in_month(int(m.group(1)), today=today, prefer=prefer)
    return None


def _nearest_in_month(day: int, *, today: date, prefer: Literal["past", "future"]) -> date:
    """The `day`th of this month, or of the month before (`past`) or after (`future`) when
    this month's is on the wrong side of today; months without that day are skipped."""
    if not 1 <= day <= 31:
        raise ValueError(f"no day {day}")
    step = -1 if prefer == "past" else 1
    index = today.year * 12 + today.month - 1
    for shift in range(0, 3 * step, step):
        year, month = divmod(index + shift, 12)
        try:
            found = date(year, month + 1, day)
        except ValueError:
            continue
        if (found <= today) if prefer == "past" else (found >= today):
            return found
    raise ValueError(f"no day {day} near {today}")


def nearest(month: int, day: int, *, today: date, prefer: Literal["past", "future"]) -> date:
    """The day `month`-`day` this year, or the year before (`past`) or after (`future`) when
    this year's is on the wrong side of today. Raises ValueError when it is never a date."""
    step = -1 if prefer == "past" else 1
    for year in range(today.year, today.year + 9 * step, step):  # 29 Feb: the next leap year
        try:
            found = date(year, month, day)
        except ValueError:
            if not (month == 2 and day == 29):
                raise
            continue
        if (found <= today) if prefer == "past" else (found >= today):
            return found
    raise ValueError(f"no {month}-{day} near {today}")
