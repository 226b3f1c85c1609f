"""The cells of a forecast call's row: its period, its currency and its figures."""

from __future__ import annotations

from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.core.money import parse_amount, parse_currency
from commands.core.periods import Period, period_containing
from commands.io.importer.cells import Bad, Row, read_choice, read_required
from commands.io.importer.days import read_day
from storage.models import to_minor


def read_call_period(row: Row, dayfirst: bool | None) -> Period:
    """The month or quarter a call is for: it starts on the period's first day, and ends on
    its last (when the file says)."""
    kind = read_required(row, "period_kind") and read_choice(row, "period_kind",
                                                             ("month", "quarter"))
    start = read_required(row, "start") and read_day(row, "start", dayfirst)
    assert kind is not None and start is not None
    period = period_containing(kind, start)  # type: ignore[arg-type]
    if period.start != start:
        values = {"column": row.header("start"), "value": row["start"],
                  "start": period.start.isoformat()}
        raise Bad(t('{column} "{value}" is not the first day of a month (that month starts '
                     "{start})", **values) if kind == "month" else
                   t('{column} "{value}" is not the first day of a quarter (that quarter starts '
                     "{start})", **values))
    end = read_day(row, "end", dayfirst)
    if end is not None and end != period.end:
        raise Bad(t('{column} "{value}" is not the last day of {period} ({end})',
                     column=row.header("end"), value=row["end"], period=period.label,
                     end=period.end.isoformat()))
    return period


def read_call_currency(row: Row) -> str:
    try:
        return parse_currency(read_required(row, "currency"), row.header("currency"))
    except UsageError as exc:
        raise Bad(exc.message) from None


def read_call_money(row: Row, field_name: str, currency: str | None) -> int | None:
    """A call's figure in minor units, exact to the cent; it may not name another currency."""
    raw = row[field_name]
    if not raw:
        if field_name == "commit":
            raise Bad(t("{column} is empty", column=row.header(field_name)))
        return None
    try:
        money = parse_amount(raw, row.header(field_name), allow_zero=True)
    except UsageError as exc:
        raise Bad(exc.message) from None
    if money.currency and currency and money.currency != currency:
        raise Bad(t("{column} says {currency} but {other_column} says {other}",
                     column=row.header(field_name), currency=money.currency,
                     other_column=row.header("currency"), other=currency))
    return to_minor(money.amount)
