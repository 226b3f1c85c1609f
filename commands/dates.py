"""Dates as people type them: 2026-11-20, yesterday, last tue, next friday, dec 15."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from commands.errors import UsageError

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIMPLE = {"today": 0, "yesterday": -1, "tomorrow": 1}


def parse_day(
    text: str, *, today: date, prefer: Literal["past", "future"], option: str = "on"
) -> date:
    """Resolve a typed date relative to `today` (the user's local date).

    `prefer` settles ambiguous forms: a visit's `on:friday` means the last Friday, a deal's
    `close:friday` the next one.
    """
    raw = text.strip().lower()
    if not raw:
        raise UsageError(
            f"`{option}:` needs a date, like {option}:yesterday or {option}:2026-11-20."
        )
    if raw in _SIMPLE:
        return today + timedelta(days=_SIMPLE[raw])
    if _ISO.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise UsageError(f"`{option}:{text}` is not a real date.") from None
    base = datetime(today.year, today.month, today.day, 12, 0)  # noqa: DTZ001 - dateparser wants naive
    try:
        parsed = dateparser.parse(
            raw,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": prefer,
                "DATE_ORDER": "MDY",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    except (ValueError, OverflowError, TypeError):
        parsed = None
    if parsed is None:
        raise UsageError(
            f"`{option}:{text}` is not a date I understand. "
            f"Try {option}:2026-11-20, {option}:yesterday, {option}:\"last tue\" or "
            f"{option}:\"next friday\"."
        )
    return parsed.date()


def zone(name: str, option: str = "tz") -> ZoneInfo:
    """An IANA timezone by name, with a helpful error for typos."""
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory
        raise UsageError(
            f"`{option}:{name}` is not a timezone. Use an IANA name like Asia/Shanghai, "
            "Europe/Berlin or America/New_York."
        ) from None


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def format_day(d: date, today: date | None = None) -> str:
    """'Fri 20 Nov' (with the year when it is not this year)."""
    if today is not None and d == today:
        return "today"
    if today is not None and d == today - timedelta(days=1):
        return "yesterday"
    fmt = "%a %d %b" if today is None or d.year == today.year else "%a %d %b %Y"
    return d.strftime(fmt)
