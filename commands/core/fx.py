"""Amounts in one currency: exchange rates an admin set, and totals that never mix currencies.

A total is always in one currency. A deal in another currency counts only through a rate an
admin set with `/sales config fx:EUR=1.08` (one EUR is 1.08 of the workspace's currency);
without one it is left out, and the reply says which deals and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy.orm import Session

from commands.core.errors import UsageError
from commands.core.i18n import joined, t, tn
from commands.core.money import CENT, format_money, parse_currency
from storage import repo
from storage.models import Deal, Workspace

_FX = re.compile(r"^(?P<cur>[A-Za-z]{3})(?:/(?P<quote>[A-Za-z]{3}))?=(?P<rate>\S+)$")
MAX_RATE = Decimal("1e9")


@dataclass(frozen=True)
class Rate:
    currency: str
    quote: str
    rate: Decimal  # one `currency` is `rate` of `quote`
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class FxChange:
    currency: str
    quote: str | None  # None: the workspace's currency
    rate: Decimal | None  # None: remove the rate


@dataclass(frozen=True)
class Counted:
    """A deal in another currency counted through a rate."""

    ref: str
    name: str
    amount: Decimal
    currency: str
    rate: Decimal
    value: Decimal  # in the total's currency


@dataclass(frozen=True)
class LeftOut:
    """A deal a total could not count, and why."""

    ref: str
    name: str
    amount: Decimal
    currency: str
    reason: str  # in English; `describe_left_out` says it in the reader's language
    target: str = ""  # the currency it could not be converted into ("": `reason` is all)
    hint: str = ""  # the command that sets the missing rate


def no_rate_reason(currency: str, target: str, hint: str) -> str:
    """Why a deal in `currency` is left out of a total in `target`, in the current language."""
    return t("in {currency}, and no {currency}→{target} rate is set ({hint})",
             currency=currency, target=target, hint=hint)


@dataclass(frozen=True)
class Tally:
    """A total in one currency, with the deals converted into it and those left out."""

    currency: str
    total: Decimal
    counted: tuple[Counted, ...] = ()
    left_out: tuple[LeftOut, ...] = ()


class Rates:
    """The rates of one workspace, able to convert either way or through its currency."""

    def __init__(self, rates: Sequence[Rate], home: str) -> None:
        self.home = home
        self.rates = tuple(rates)
        self._pairs = {(r.currency, r.quote): r.rate for r in rates}

    def find(self, source: str, target: str) -> Decimal | None:
        """How much of `target` one `source` is worth, or None without a rate for it."""
        if source == target:
            return Decimal(1)
        if (source, target) in self._pairs:
            return self._pairs[(source, target)]
        if (target, source) in self._pairs:
            return Decimal(1) / self._pairs[(target, source)]
        via = {q for (c, q) in self._pairs if c == source} & {q for (c, q) in self._pairs
                                                                if c == target}
        for quote in sorted(via):
            return self._pairs[(source, quote)] / self._pairs[(target, quote)]
        return None

    def hint(self, source: str, target: str) -> str:
        pair = source if target == self.home else f"{source}/{target}"
        return f"`/sales config fx:{pair}=<rate>`"


def load_rates(session: Session, workspace_id: int, home: str) -> Rates:
    return Rates([Rate(r.currency, r.quote, r.rate, r.set_by.name, r.set_at)
                  for r in repo.fx.fx_rates(session, workspace_id)], home)


def tally(deals: Iterable[tuple[str, str, Decimal, str]], currency: str,
          rates: Rates | None) -> Tally:
    """Total deals (ref, name, amount, currency) in `currency`, converting through `rates`."""
    total = Decimal(0)
    counted: list[Counted] = []
    left: list[LeftOut] = []
    for ref, name, amount, cur in deals:
        if cur == currency:
            total += amount
            continue
        rate = rates.find(cur, currency) if rates else None
        if rate is None:
            hint = rates.hint(cur, currency) if rates else "`/sales config fx:<code>=<rate>`"
            left.append(LeftOut(ref, name, amount, cur,
                                f"in {cur}, and no {cur}→{currency} rate is set ({hint})",
                                currency, hint))
            continue
        value = (amount * rate).quantize(CENT, ROUND_HALF_UP)
        total += value
        counted.append(Counted(ref, name, amount, cur, rate, value))
    return Tally(currency, total, tuple(counted), tuple(left))


def won_revenue(session: Session, member_ids: Sequence[int], start_at: datetime,
                end_at: datetime, currency: str) -> Tally:
    """Revenue won in [start_at, end_at) in `currency`, other currencies through rates."""
    rows = repo.closed.won_deals_between(session, member_ids, start_at, end_at)
    rates = None
    if any(c != currency for _, _, _, c, _ in rows):
        ws = session.get(Workspace, rows[0][0])
        rates = load_rates(session, rows[0][0], ws.default_currency if ws else currency)
    return tally(((f"D-{n}", nm, Decimal(a) / 100, c) for _, n, nm, c, a in rows),
                 currency, rates)


@dataclass(frozen=True)
class Closed:
    """Deals won and lost since a moment, their values totalled in one currency."""

    won_count: int
    lost_count: int
    won: Tally
    lost: Tally


def closed_since(session: Session, workspace_id: int, member_ids: Sequence[int],
                 since: datetime, currency: str) -> Closed:
    """What these people won and lost since `since`, valued in `currency` through the
    workspace's rates; deals in a currency without a rate are counted but not valued."""
    rows = repo.closed.closed_deals_since(session, member_ids, since)
    rates = None
    if any(c != currency for _, _, c, _, _ in rows):
        ws = session.get(Workspace, workspace_id)
        rates = load_rates(session, workspace_id, ws.default_currency if ws else currency)

    def total(won: bool) -> Tally:
        return tally(((f"D-{n}", nm, Decimal(a) / 100, c) for n, nm, c, a, w in rows
                      if w is won), currency, rates)

    wins = sum(1 for *_, w in rows if w)
    return Closed(wins, len(rows) - wins, total(True), total(False))


def _list(parts: list[str]) -> str:
    return joined(parts)


def describe_left_out(left_out: Sequence[LeftOut], limit: int = 5) -> str:
    """One line naming the deals a figure leaves out and why."""
    parts = [t("{ref} {name} ({amount}): {reason}", ref=d.ref, name=d.name,
               amount=format_money(d.amount, d.currency),
               reason=no_rate_reason(d.currency, d.target, d.hint) if d.target else d.reason)
             for d in left_out[:limit]]
    if len(left_out) > limit:
        return tn("Left out: {deals}; and {n} more.", "Left out: {deals}; and {n} more.",
                  len(left_out) - limit, deals=_list(parts))
    return t("Left out: {deals}.", deals=_list(parts))


def rate_text(rate: Decimal) -> str:
    """A rate as people read it: 1.08, 0.140260 (a cross rate, to six decimals)."""
    return f"{rate.quantize(Decimal('0.000001'), ROUND_HALF_UP).normalize():f}"


def describe_counted(counted: Sequence[Counted], currency: str, limit: int = 5) -> str:
    parts = [t("{ref} {amount} as {value} at {rate}", ref=d.ref,
               amount=format_money(d.amount, d.currency),
               value=format_money(d.value, currency), rate=rate_text(d.rate))
             for d in counted[:limit]]
    if len(counted) > limit:
        return tn("Converted: {deals}; and {n} more.", "Converted: {deals}; and {n} more.",
                  len(counted) - limit, deals=_list(parts))
    return t("Converted: {deals}.", deals=_list(parts))


def parse_fx(text: str) -> tuple[FxChange, ...]:
    """`fx:EUR=1.08`, `fx:EUR/CNY=7.7`, `fx:EUR=off`; several separated by commas."""
    changes = []
    for item in (i.strip() for i in text.replace("，", ",").split(",")):
        m = _FX.match(item)
        if m is None:
            raise UsageError(t("`fx:{item}` is not a rate; write `fx:EUR=1.08` (one EUR is 1.08 "
                               "of the workspace's currency), `fx:EUR/CNY=7.7` or `fx:EUR=off`.",
                               item=item))
        cur = parse_currency(m.group("cur"), "fx")
        quote = parse_currency(m.group("quote"), "fx") if m.group("quote") else None
        if quote == cur:
            raise UsageError(t("`fx:{item}` converts {currency} into itself.",
                               item=item, currency=cur))
        raw = m.group("rate")
        if raw.lower() in ("off", "关闭"):
            changes.append(FxChange(cur, quote, None))
            continue
        try:
            rate = Decimal(raw)
        except InvalidOperation:
            rate = Decimal(-1)
        if not rate.is_finite() or rate <= 0 or rate > MAX_RATE or rate.as_tuple().exponent < -8:  # type: ignore[operator]
            raise UsageError(t("`fx:{item}`: the rate must be a number above 0 with at most 8 "
                               "decimals, like 1.08.", item=item))
        changes.append(FxChange(cur, quote, rate))
    return tuple(changes)


def deals_tally(session: Session, deals: Iterable[Deal], currency: str,
                workspace: Workspace) -> Tally:
    """Total some deals' amounts in `currency`, through the workspace's rates."""
    rows = [(d.ref, d.name, d.amount, d.currency) for d in deals]
    rates = None
    if any(c != currency for _, _, _, c in rows):
        rates = load_rates(session, workspace.id, workspace.default_currency)
    return tally(rows, currency, rates)
