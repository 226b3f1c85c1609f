"""Money amounts as people type them: 120000, 120,000, 120k, 1.2m, $120k, ¥120,000, 12万."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from commands.errors import UsageError

SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "₹": "INR", "₩": "KRW"}
SUFFIXES = {
    "": Decimal(1),
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "万": Decimal(10_000),
    "w": Decimal(10_000),
    "亿": Decimal(100_000_000),
}
_AMOUNT = re.compile(
    r"^(?P<sym>[$€£¥￥₹₩])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<suffix>k|mm|m|bn|b|万|w|亿)?(?:\s*(?P<code>[A-Za-z]{3}))?$",
    re.IGNORECASE,
)
MAX_AMOUNT = Decimal("1e15")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None  # None: the workspace's default currency


def parse_amount(text: str, option: str = "amount") -> Money:
    """Parse a money amount; the currency is None unless a symbol or code says it."""
    raw = text.strip()
    m = _AMOUNT.match(raw)
    if not m:
        raise UsageError(
            f"`{option}:{text}` is not an amount. Try 120000, 120,000, 120k, 1.2m, $120k or 12万."
        )
    try:
        number = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise UsageError(f"`{option}:{text}` is not an amount.") from None
    amount = number * SUFFIXES[(m.group("suffix") or "").lower()]
    if amount > MAX_AMOUNT:
        raise UsageError(f"`{option}:{text}` is larger than any deal salesbot can track.")
    if amount != amount.quantize(Decimal("0.01")):
        raise UsageError(f"`{option}:{text}` has more than two decimal places.")
    currency = SYMBOLS.get(m.group("sym") or "")
    code = m.group("code")
    if code:
        if currency and currency != code.upper():
            raise UsageError(f"`{option}:{text}` names two different currencies.")
        currency = parse_currency(code)
    return Money(amount=amount.quantize(Decimal("0.01")), currency=currency)


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise UsageError(f"`currency:{text}` is not a currency code. Use three letters, like EUR.")
    return code


def format_money(amount: Decimal, currency: str) -> str:
    """Human form: 120,000 USD; 1,234.50 EUR."""
    q = amount.quantize(Decimal("0.01"))
    text = f"{q:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{text} {currency}"
