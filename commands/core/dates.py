"""Dates as people type them: 2026-11-20, yesterday, last tue, next friday, dec 15."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser
from babel.dates import format_date

from commands.core.aliases import label
from commands.core.dates_zh import nearest, parse_chinese_day
from commands.core.errors import UsageError
from commands.core.i18n import BABEL_LOCALE, current_locale, t, tp

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIMPLE = {"today": 0, "yesterday": -1, "tomorrow": 1}
# 2026/12/03, 2026.12.03: year first, then month and day.
_YEAR_FIRST = re.compile(r"^(\d{4})([./])(\d{1,2})\2(\d{1,2})$")
# 3.12.2026, 3/12/2026, 3-12-2026, 3.12.26, 3.12 (the year, when left out, follows `prefer`)
_NUMERIC = re.compile(r"^(\d{1,2})([./-])(\d{1,2})(?:\2(\d{4}|\d{2}))?$")
_YEAR_CJK = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}[日号]$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_day(
    text: str, *, today: date, prefer: Literal["past", "future"], option: str = "on"
) -> date:
    """Resolve a typed date relative to `today` (the user's local date).

    `prefer` settles ambiguous forms: a visit's `on:friday` means the last Friday, a deal's
    `close:friday` the next one. Dotted dates are day first (3.12.2026 is 3 December); a
    slashed one is read only when it can be read one way (15/12/2026, 12/15/2026), and
    3/12/2026 is refused. Simple Chinese dates (昨天, 上周二, 12月3日) are understood too.
    """
    raw = unicodedata.normalize("NFKC", text).strip().lower()  # full-width digits: １２月３日
    if not raw:
        raise UsageError(
            t("`{option}:` needs a date, like {option}:yesterday or {option}:2026-11-20.",
              option=label(option)),
            field=option,
        )
    if raw in _SIMPLE:
        return today + timedelta(days=_SIMPLE[raw])
    not_real = UsageError(t("`{option}:{text}` is not a real date.", option=label(option),
                            text=text), field=option)
    if _ISO.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise not_real from None
    try:
        found = _numeric_day(raw, today=today, prefer=prefer, option=option) \
            or parse_chinese_day(raw, today=today, prefer=prefer)
    except ValueError:
        raise not_real from None
    if found is not None:
        return found
    base = datetime(today.year, today.month, today.day, 12, 0)  # noqa: DTZ001 - dateparser wants naive
    try:
        parsed = dateparser.parse(
            raw,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": prefer,
                "DATE_ORDER": "DMY",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    except (ValueError, OverflowError, TypeError):
        parsed = None
    if parsed is None:
        # the same English either way; a date ahead (a close date, a snooze) gets examples
        # ahead in Chinese, where 昨天 and 上周二 would be no help
        if prefer == "future":
            message = tp("a date ahead", "`{option}:{text}` is not a date I understand. "
                         "Try {option}:2026-11-20, {option}:yesterday, {option}:\"last tue\" "
                         "or {option}:\"next friday\".", option=label(option), text=text)
        else:
            message = t("`{option}:{text}` is not a date I understand. "
                        "Try {option}:2026-11-20, {option}:yesterday, {option}:\"last tue\" or "
                        "{option}:\"next friday\".", option=label(option), text=text)
        raise UsageError(
            message,
            field=option,
        )
    return parsed.date()


# 1d, 1w; 3天, 2周, 2个星期, 1个月 (一周, 两天: small numbers in characters too)
_AFTER = re.compile(r"^(\d{1,3}|[一二两三四五六七八九十])\s*"
                    r"(d|w|天|日|周|个?星期|个?礼拜|个月)$", re.I)
_ZH_COUNTS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10}


def days_after(text: str, today: date) -> int | None:
    """How many days from `today` a span like 1d, 1w, 3天, 2周 or 1个月 reaches (a month runs
    to the same day of the next, or that month's last day); None when `text` is not one."""
    m = _AFTER.match(unicodedata.normalize("NFKC", text).strip())
    if m is None:
        return None
    count = _ZH_COUNTS.get(m.group(1)) or int(m.group(1))
    unit = m.group(2).lower()
    if unit == "个月":
        index = today.year * 12 + today.month - 1 + count
        year, month = divmod(index, 12)
        last = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
        return (date(year, month + 1, min(today.day, last)) - today).days
    return count * (1 if unit in ("d", "天", "日") else 7)


def parse_calendar_day(text: str, option: str) -> date:
    """A date with its year written out (a holiday, a rep's first day): 2026-12-25,
    25.12.2026, 2026年12月25日. Relative forms like `friday` are refused."""
    raw = unicodedata.normalize("NFKC", text).strip()
    numeric = _NUMERIC.match(raw)
    if not (_ISO.match(raw) or _YEAR_FIRST.match(raw) or _YEAR_CJK.match(raw)
            or (numeric and numeric.group(4) and len(numeric.group(4)) == 4)):
        raise UsageError(t("`{option}:{text}` is not a date like 2026-12-25.",
                           option=label(option), text=text), field=option)
    # `today` plays no part once the year is written out
    return parse_day(raw, today=date(2000, 1, 1), prefer="past", option=option)


def _numeric_day(raw: str, *, today: date, prefer: Literal["past", "future"],
                 option: str) -> date | None:
    """A date written in digits only, read one way or refused; None when it is not one."""
    if m := _YEAR_FIRST.match(raw):
        return date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    m = _NUMERIC.match(raw)
    if m is None:
        return None
    a, separator, b, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
    if separator == "." or a > 12 >= b or a == b:
        day, month = a, b
    elif b > 12 >= a:
        day, month = b, a
    elif a > 12 and b > 12:
        raise ValueError(raw)
    else:
        in_year = int(year) % 100 + 2000 if year and len(year) == 2 else \
            int(year) if year else today.year
        first, second = _day_month(a, b), _day_month(b, a)
        raise UsageError(
            t("`{option}:{raw}` could be {first} or {second}. Write it year first: "
              "{option}:{first_iso} for {first}, or {option}:{second_iso} for {second}.",
              option=label(option), raw=raw, first=first, second=second,
              first_iso=date(in_year, b, a).isoformat(),
              second_iso=date(in_year, a, b).isoformat()),
            field=option,
        )
    if year is None:
        return nearest(month, day, today=today, prefer=prefer)
    return date(int(year) + (2000 if len(year) == 2 else 0), month, day)


def _day_month(day: int, month: int) -> str:
    """'3 Dec'; 12月3日 in Chinese."""
    if current_locale() == "zh":
        return f"{month}月{day}日"
    return f"{day} {_MONTHS[month - 1]}"


def zone(name: str, option: str = "tz") -> ZoneInfo:
    """An IANA timezone by name, with a helpful error for typos."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory
        raise UsageError(t(
            "`{option}:{name}` is not a timezone. Use an IANA name like Asia/Shanghai, "
            "Europe/Berlin or America/New_York.", option=label(option), name=name)
        ) from None


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def on_day(d: date, today: date) -> str:
    """'today', 'yesterday' or 'on Fri 20 Nov': a day after a verb ("logged ...");
    in Chinese 今天, 昨天 or 12月3日 周四 (a Chinese sentence needs no "on")."""
    text = format_day(d, today)
    if d in (today, today - timedelta(days=1)) or current_locale() == "zh":
        return text
    return t("on {day}", day=text)


def format_day(d: date, today: date | None = None) -> str:
    """'Fri 20 Nov' (with the year when it is not this year); 12月3日 周四 in Chinese
    (2026年12月3日 周四 in another year)."""
    if today is not None and d == today:
        return t("today")
    if today is not None and d == today - timedelta(days=1):
        return t("yesterday")
    other_year = today is not None and d.year != today.year
    if current_locale() == "zh":
        pattern = "y年M月d日 EEE" if other_year else "M月d日 EEE"
        return format_date(d, pattern, locale=BABEL_LOCALE["zh"])
    return d.strftime("%a %d %b %Y" if other_year else "%a %d %b")


def iso_or_day(d: date, today: date | None = None) -> str:
    """A date where English replies have always written it as typed, 2026-11-20; in Chinese
    the day as `format_day` names it (11月20日 周五)."""
    return format_day(d, today) if current_locale() == "zh" else d.isoformat()
