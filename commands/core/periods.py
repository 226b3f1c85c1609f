"""Name plan periods (year, quarter, month, ISO week, day) and count their working days."""

# The goal pyramid nests year → quarter → month → day, and Period.children() follows it: a
# month's children are its days. ISO weeks cross month boundaries, so they are a separate
# view: Period.weeks() gives a period's ISO weeks clipped to it (2026-12 starts inside
# 2026-W49, so its first week runs 2026-12-01..2026-12-06 and keeps the label "2026-W49").

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, cast, get_args

from commands.core.aliases import label
from commands.core.errors import UsageError
from commands.core.i18n import N_, current_locale, t

PeriodKind = Literal["year", "quarter", "month", "week", "day"]
KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)
NO_HOLIDAYS: frozenset[date] = frozenset()
MIN_YEAR, MAX_YEAR = 1900, 2999

_EXAMPLES: dict[PeriodKind, str] = {
    "year": "2026",
    "quarter": "2026-Q4",
    "month": "2026-12",
    "week": "2026-W49",
    "day": "2026-12-01",
}


def _example(kind: PeriodKind) -> str:
    """month:2026-12; 月:2026-12 for a Chinese reader."""
    return f"{label(kind)}:{_EXAMPLES[kind]}"
_PATTERNS: dict[PeriodKind, re.Pattern[str]] = {
    "year": re.compile(r"^(?P<y>\d{4})$"),
    "quarter": re.compile(r"^(?P<y>\d{4})-?q(?P<n>\d{1,2})$", re.I),
    "month": re.compile(r"^(?P<y>\d{4})-(?P<n>\d{1,2})$"),
    "week": re.compile(r"^(?P<y>\d{4})-?w(?P<n>\d{1,2})$", re.I),
    "day": re.compile(r"^(?P<y>\d{4})-(?P<n>\d{1,2})-(?P<d>\d{1,2})$"),
}
_NOT_A: dict[PeriodKind, str] = {
    "year": N_("`{raw}` is not a year. Try {example}."),
    "quarter": N_("`{raw}` is not a quarter. Try {example}."),
    "month": N_("`{raw}` is not a month. Try {example}."),
    "week": N_("`{raw}` is not a week. Try {example}."),
    "day": N_("`{raw}` is not a day. Try {example}."),
}
# Chinese periods: 2026年, 2026年第4季度 / 2026年四季度 / 2026年Q4, 2026年12月, 2026年第49周,
# 2026年12月1日
_ZH_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_ZH_PERIODS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<y>\d{4})年(?:度)?$"), "{y}"),
    (re.compile(r"^(?P<y>\d{4})年?(?:第)?(?P<n>[1-4一二三四])季度?$"), "{y}-Q{n}"),
    (re.compile(r"^(?P<y>\d{4})年q(?P<n>\d{1,2})$", re.I), "{y}-Q{n}"),
    (re.compile(r"^(?P<y>\d{4})年(?P<n>\d{1,2})月(?:份)?$"), "{y}-{n}"),
    (re.compile(r"^(?P<y>\d{4})年(?:第)?(?P<n>\d{1,2})周$"), "{y}-W{n}"),
    (re.compile(r"^(?P<y>\d{4})年(?P<n>\d{1,2})月(?P<d>\d{1,2})[日号]$"), "{y}-{n}-{d}"),
)
_ZH_KINDS: dict[str, PeriodKind] = {"年": "year", "年度": "year", "季度": "quarter",
                                     "月": "month", "月份": "month", "周": "week",
                                     "日": "day", "日期": "day"}


@dataclass(frozen=True)
class Period:
    """A span of calendar days, both ends inclusive, of one plan granularity."""

    kind: PeriodKind
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if self.end < self.start:
            raise ValueError(f"period ends {self.end} before it starts {self.start}")

    @property
    def label(self) -> str:
        """Name the period as people write it: 2026, 2026-Q4, 2026-12, 2026-W49, 2026-12-01."""
        s = self.start
        if self.kind == "year":
            return f"{s.year}"
        if self.kind == "quarter":
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{s.year}-{s.month:02d}"
        if self.kind == "week":
            iso = s.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return s.isoformat()

    def __str__(self) -> str:
        return self.label

    @classmethod
    def of_year(cls, year: int) -> Period:
        """Return the calendar year."""
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        """Return quarter 1-4 of a year."""
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter must be 1-4, not {quarter}")
        first = date(year, 3 * quarter - 2, 1)
        return cls("quarter", first, _month_end(date(year, 3 * quarter, 1)))

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        """Return a calendar month."""
        first = date(year, month, 1)
        return cls("month", first, _month_end(first))

    @classmethod
    def of_week(cls, iso_year: int, week: int) -> Period:
        """Return an ISO week (Monday to Sunday)."""
        monday = date.fromisocalendar(iso_year, week, 1)
        return cls("week", monday, monday + timedelta(days=6))

    @classmethod
    def of_day(cls, day: date) -> Period:
        """Return a single day."""
        return cls("day", day, day)

    def contains(self, day: date) -> bool:
        """Tell whether the day falls inside the period."""
        return self.start <= day <= self.end

    def days(self) -> list[date]:
        """List every calendar day of the period."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def working_days(self, holidays: Set[date] = NO_HOLIDAYS) -> list[date]:
        """List the period's working days (Monday to Friday, minus holidays)."""
        return working_days(self.start, self.end, holidays)

    def children(self) -> list[Period]:
        """Split one level down the goal pyramid: year→quarters→months→days, week→days."""
        if self.kind == "year":
            return [Period.of_quarter(self.start.year, q) for q in range(1, 5)]
        if self.kind == "quarter":
            return [
                Period.of_month(self.start.year, m)
                for m in range(self.start.month, self.start.month + 3)
            ]
        if self.kind in ("month", "week"):
            return [Period.of_day(d) for d in self.days()]
        return []

    def weeks(self) -> list[Period]:
        """List the ISO weeks overlapping the period, clipped to its first and last day."""
        out: list[Period] = []
        monday = self.start - timedelta(days=self.start.weekday())
        while monday <= self.end:
            out.append(
                Period("week", max(monday, self.start), min(monday + timedelta(days=6), self.end))
            )
            monday += timedelta(days=7)
        return out


def working_days(start: date, end: date, holidays: Set[date] = NO_HOLIDAYS) -> list[date]:
    """List Monday-to-Friday days from start to end inclusive, minus holidays."""
    out: list[date] = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            out.append(day)
        day += timedelta(days=1)
    return out


def period_containing(kind: PeriodKind, day: date) -> Period:
    """Return the period of the given kind that contains the day."""
    if kind == "year":
        return Period.of_year(day.year)
    if kind == "quarter":
        return Period.of_quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == "month":
        return Period.of_month(day.year, day.month)
    if kind == "week":
        iso = day.isocalendar()
        return Period.of_week(iso.year, iso.week)
    if kind == "day":
        return Period.of_day(day)
    raise ValueError(f"unknown period kind {kind!r}")


def same_period_last_year(period: Period) -> Period:
    """Return the matching period one year earlier (2026-12 → 2025-12; 2026-W53 → 2025-W52)."""
    # A clipped week maps to the whole ISO week of the same number; 29 February to the 28th.
    if period.kind == "week":
        iso = period.start.isocalendar()
        week = min(iso.week, _iso_weeks_in(iso.year - 1))
        return Period.of_week(iso.year - 1, week)
    if period.kind == "day":
        d = period.start
        day = 28 if (d.month, d.day) == (2, 29) else d.day
        return Period.of_day(d.replace(year=d.year - 1, day=day))
    return period_containing(period.kind, period.start.replace(year=period.start.year - 1))


@dataclass(frozen=True)
class WorkingDayProgress:
    """How many of a period's working days are behind and ahead of `today`."""

    elapsed: int  # working days before today: today's work is not done yet
    remaining: int  # working days from today to the end, today included
    total: int


def working_day_progress(
    period: Period, today: date, holidays: Set[date] = NO_HOLIDAYS
) -> WorkingDayProgress:
    """Count the period's working days already elapsed and still remaining on `today`."""
    days = period.working_days(holidays)
    elapsed = sum(1 for d in days if d < today)
    return WorkingDayProgress(elapsed=elapsed, remaining=len(days) - elapsed, total=len(days))


def parse_period(text: str) -> Period:
    """Parse year:2026, quarter:2026-Q4, month:2026-12, week:2026-W49 or day:2026-12-01."""
    # The `kind:` prefix is optional; the shape of the value says which kind it is.
    # A Chinese period (2026年12月) reads as the one it names (2026-12), 季度: as quarter:.
    raw = text.strip()
    if not raw:
        raise UsageError(t("A period is missing. Name a period like year:2026, "
                           "quarter:2026-Q4, month:2026-12, week:2026-W49 or day:2026-12-01."))
    kind_text, sep, value = raw.replace("：", ":").partition(":")
    if not sep:
        plain = _from_chinese(raw)
        for kind in KINDS:
            m = _PATTERNS[kind].match(plain)
            if m:
                return _build(kind, m, raw)
        raise UsageError(t("`{raw}` is not a period I understand. Name a period like "
                           "year:2026, quarter:2026-Q4, month:2026-12, week:2026-W49 or "
                           "day:2026-12-01.", raw=raw))
    kind_word = _ZH_KINDS.get(kind_text.strip(), kind_text.strip().lower())
    if kind_word not in KINDS:
        raise UsageError(t(
            "`{raw}`: `{kind}` is not a kind of period. "
            "Use year:, quarter:, month:, week: or day:.", raw=raw, kind=kind_text)
        )
    kind = cast(PeriodKind, kind_word)
    if current_locale() == "zh":  # callers rebuild `month:...` from an option typed as 月:
        raw = f"{label(kind)}:{value.strip()}"
    m = _PATTERNS[kind].match(_from_chinese(value.strip()))
    if not m:
        raise UsageError(t(_NOT_A[kind], raw=raw, example=_example(kind)))
    return _build(kind, m, raw)


def _from_chinese(text: str) -> str:
    """The period a Chinese one names, written as parse_period reads it (2026年12月 is
    2026-12); any other text unchanged."""
    for pattern, shape in _ZH_PERIODS:
        if m := pattern.match(text):
            values = {k: str(_ZH_NUMBERS.get(v, v)) for k, v in m.groupdict().items()}
            return shape.format(**values)
    return text


def _build(kind: PeriodKind, m: re.Match[str], raw: str) -> Period:
    year = int(m.group("y"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(t("`{raw}`: plans cover the years {first} to {last}.",
                           raw=raw, first=MIN_YEAR, last=MAX_YEAR))
    if kind == "year":
        return Period.of_year(year)
    n = int(m.group("n"))
    if kind == "quarter":
        if not 1 <= n <= 4:
            raise UsageError(t("`{raw}`: a quarter is Q1 to Q4. Try {example}.",
                               raw=raw, example=_example("quarter")))
        return Period.of_quarter(year, n)
    if kind == "month":
        if not 1 <= n <= 12:
            raise UsageError(t("`{raw}`: a month is 01 to 12. Try {example}.",
                               raw=raw, example=_example("month")))
        return Period.of_month(year, n)
    if kind == "week":
        last = _iso_weeks_in(year)
        if not 1 <= n <= last:
            raise UsageError(t("`{raw}`: {year} has ISO weeks W01 to W{last}.",
                               raw=raw, year=year, last=last))
        return Period.of_week(year, n)
    try:
        return Period.of_day(date(year, n, int(m.group("d"))))
    except ValueError:
        raise UsageError(t("`{raw}` is not a real date.", raw=raw)) from None


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _iso_weeks_in(iso_year: int) -> int:
    # 28 December always falls in the last ISO week of its year.
    return date(iso_year, 12, 28).isocalendar().week
