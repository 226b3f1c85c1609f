"""Dates and timestamps in an import file, however its rows write them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from commands.core.i18n import current_locale, t
from commands.io.importer.cells import Bad, Row

_DAY_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?: .*)?$"),
)


def day_first(values: Iterable[str]) -> bool | None:
    """Whether a file writes its slashed dates day first, decided from all its rows.

    A date that is real only one way votes for that way (15/12/2026 day first, 12/15/2026
    month first); one real neither way (13/45/2026) does not vote, it is just a bad row.
    The way with more votes wins; with none, dotted dates (always day first) decide, else
    None: the file does not say, and a date like 03/04/2026 cannot be read one way.
    """
    votes = {True: 0, False: 0}
    dotted = False
    for value in values:
        m = _DAY_PATTERNS[1].match(value.strip())
        if m is None:
            continue
        if m.group("sep") == ".":
            dotted = True
            continue
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        as_dmy, as_mdy = _real(year, b, a), _real(year, a, b)
        if as_dmy != as_mdy:
            votes[as_dmy] += 1
    if votes[True] != votes[False]:
        return votes[True] > votes[False]
    return True if dotted else None


def _real(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _day_parts(raw: str, dayfirst: bool | None) -> tuple[int, int, int] | None:
    """(year, month, day) as written, not yet checked to be a real date. Raises Bad for a
    slashed date the file gives no way to read one way (03/04/2026 with nothing else)."""
    if m := _DAY_PATTERNS[0].match(raw):
        return int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if m := _DAY_PATTERNS[1].match(raw):
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        if m.group("sep") == ".":
            return year, b, a
        if dayfirst is None:
            if _real(year, b, a) and _real(year, a, b) and a != b:
                raise Bad(t("could be {one} or {other}, and no other date in the file says "
                             "which; write it like {example}", one=_day_month(a, b),
                             other=_day_month(b, a), example=date(year, b, a).isoformat()))
            dayfirst = _real(year, b, a)
        return (year, b, a) if dayfirst else (year, a, b)
    return None


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")


def _day_month(day: int, month: int) -> str:
    """'3 Apr' (4月3日 in Chinese): one reading of an ambiguous date."""
    return f"{day} {_MONTH_NAMES[month - 1]}" if current_locale() == "en" else f"{month}月{day}日"


def calendar_day(raw: str, dayfirst: bool | None) -> date | None:
    try:
        parts = _day_parts(raw.strip(), dayfirst)
        return date(*parts) if parts else None
    except (ValueError, Bad):
        return None


def read_day(row: Row, field_name: str, dayfirst: bool | None) -> date | None:
    raw = row[field_name]
    if not raw:
        return None
    try:
        parts = _day_parts(raw, dayfirst)
    except Bad as exc:
        raise Bad(t('{column} "{value}" {problem}', column=row.header(field_name), value=raw,
                     problem=exc)) from None
    if parts is None:
        raise Bad(t('{column} "{value}" is not a date; write it like 2026-12-15',
                     column=row.header(field_name), value=raw))
    try:
        return date(*parts)
    except ValueError:
        other_way = dayfirst is not None and calendar_day(raw, not dayfirst) is not None
        order = "" if not other_way else (
            t(" read day first like the file's other dates") if dayfirst
            else t(" read month first like the file's other dates"))
        raise Bad(t('{column} "{value}" is not a real date{order}',
                     column=row.header(field_name), value=raw, order=order)) from None


def read_moment(row: Row, field_name: str, tz: str, dayfirst: bool | None) -> datetime | None:
    """A timestamp; without an offset it is taken in `tz`, a bare date at its midnight."""
    raw = row[field_name]
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace(" UTC", "+00:00"))
    except ValueError:
        day = read_day(row, field_name, dayfirst)
        assert day is not None
        return datetime.combine(day, time(), ZoneInfo(tz))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))
