"""Money amounts as people type them: 120000, 120,000, 120k, 1.2m, $120k, ¥120,000, 12万,
1.2亿, 5000元, 12万人民币, 人民币12万, 120k EUR; and the one way salesbot writes amounts and
counts back."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.core import get_global
from babel.numbers import is_currency

from commands.core.aliases import label
from commands.core.errors import UsageError
from commands.core.i18n import current_locale, t

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
    "千": Decimal(1_000),
}
# 元, 人民币 and RMB, before or after the number, say the amount is in CNY
_AMOUNT = re.compile(
    r"^(?P<sym>[$€£¥￥₹₩]|人民币|RMB)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<suffix>k|mm|m|bn|b|万|w|亿|千)?\s*(?P<cny>元|块|人民币|RMB)?"
    r"(?:\s*(?P<code>[A-Za-z]{3}))?$",
    re.IGNORECASE,
)
_CNY_WORDS = ("人民币", "rmb", "元", "块")
_CODE = re.compile(r"[A-Za-z]{3}")
MAX_AMOUNT = Decimal("1e15")
CENT = Decimal("0.01")
EXAMPLES = "Try 120000, 120,000, 120k, 1.2m, $120k or 12万."
# currencies by their Chinese names (`currency:美元`)
CURRENCY_NAMES = {"人民币": "CNY", "元": "CNY", "RMB": "CNY", "美元": "USD", "欧元": "EUR",
                  "英镑": "GBP", "日元": "JPY", "港币": "HKD", "港元": "HKD", "新台币": "TWD",
                  "韩元": "KRW", "新加坡元": "SGD", "澳元": "AUD", "加元": "CAD"}


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None  # None: the workspace's default currency


def parse_amount(text: str, option: str = "amount", *, allow_zero: bool = False) -> Money:
    """Parse a money amount above zero (or zero, for a target of nothing in a shutdown month);
    the currency is None unless a symbol, code or 元/人民币 says it. Full-width digits and
    punctuation (１２０，０００) read as their ASCII forms."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if raw.startswith(("-", "−")):
        raise UsageError(t("`{option}:{text}` is negative; an amount must be more than 0.",
                           option=label(option), text=text), field=option)
    raw, named = _split_currency_name(raw)
    m = _AMOUNT.match(raw)
    if not m:
        raise UsageError(t("`{option}:{text}` is not an amount. Try 120000, 120,000, 120k, "
                           "1.2m, $120k or 12万.", option=label(option), text=text), field=option)
    try:
        number = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise UsageError(t("`{option}:{text}` is not an amount.", option=label(option), text=text),
                         field=option) from None
    amount = number * SUFFIXES[(m.group("suffix") or "").lower()]
    if amount > MAX_AMOUNT:
        raise UsageError(t("`{option}:{text}` is larger than any deal salesbot can track.",
                           option=label(option), text=text), field=option)
    if amount != amount.quantize(CENT):
        raise UsageError(t("`{option}:{text}` has more than two decimal places.",
                           option=label(option), text=text), field=option)
    if amount == 0 and not allow_zero:
        raise UsageError(t("`{option}:{text}` is zero; an amount must be more than 0.",
                           option=label(option), text=text), field=option)
    sym = m.group("sym") or ""
    currency = "CNY" if sym.lower() in _CNY_WORDS else SYMBOLS.get(sym)
    if m.group("cny"):
        if currency and currency != "CNY":
            raise UsageError(t("`{option}:{text}` names two different currencies.",
                               option=label(option), text=text), field=option)
        currency = "CNY"
    code = m.group("code")
    if code:
        if not is_currency_code(code):
            raise UsageError(t("`{option}:{text}`: {code} is not an ISO 4217 currency code. "
                               "Try 120000, 120,000, 120k, 1.2m, $120k or 12万.",
                               option=label(option), text=text, code=code.upper()), field=option)
        if currency and currency != code.upper():
            raise UsageError(t("`{option}:{text}` names two different currencies.",
                               option=label(option), text=text), field=option)
        currency = parse_currency(code, option)
    if named:
        if currency and currency != named:
            raise UsageError(t("`{option}:{text}` names two different currencies.",
                               option=label(option), text=text), field=option)
        currency = named
    return Money(amount=amount.quantize(CENT), currency=currency)


# Chinese currency names, longest first: 新加坡元 before 元, 日元 before 元
_NAMES_LONGEST_FIRST = sorted((n for n in CURRENCY_NAMES if not n.isascii()), key=len,
                              reverse=True)


def _split_currency_name(raw: str) -> tuple[str, str | None]:
    """`12万 美元` -> (`12万`, USD), `12万元人民币` -> (`12万元`, CNY): a Chinese currency name
    after the figure, with or without a space; the text as it is when none ends it."""
    for name in _NAMES_LONGEST_FIRST:
        rest = raw[: -len(name)].rstrip()
        if raw.endswith(name) and rest and rest[-1].isalnum() and rest[0] not in "-−":
            return rest, CURRENCY_NAMES[name]
    return raw, None


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes of the currencies that are legal tender somewhere today (CLDR data)."""
    # Babel knows historical codes (DEM) and funds and metals (XAU, XTS) too; a deal is
    # priced in money someone can pay with, so only current tender counts.
    codes = set()
    for spans in get_global("territory_currencies").values():
        for code, _start, end, tender in spans:
            if end is None and tender and is_currency(code):
                codes.add(code)
    return frozenset(codes)


def is_currency_code(text: str) -> bool:
    return text.strip().upper() in currency_codes()


def looks_like_currency(word: str) -> bool:
    """Is a word typed after an amount meant as its currency (EUR, eur, any ABC, or a Chinese
    name like 人民币 or 美元)?"""
    if word in CURRENCY_NAMES and not word.isascii():
        return True
    return bool(_CODE.fullmatch(word)) and (word.isupper() or is_currency_code(word))


def parse_currency(text: str, option: str = "currency") -> str:
    code = text.strip().upper()
    code = CURRENCY_NAMES.get(code, code)
    if not _CODE.fullmatch(code):
        raise UsageError(t("`{option}:{text}` is not a currency code. Use an ISO 4217 code, "
                           "like EUR.", option=label(option), text=text), field=option)
    if code not in currency_codes():
        raise UsageError(t("`{option}:{text}`: {code} is not an ISO 4217 currency code in use. "
                           "Use one like USD, EUR, GBP, CNY or JPY.",
                           option=label(option), text=text, code=code), field=option)
    return code


def format_money(amount: Decimal, currency: str) -> str:
    """Human form: 120,000 USD; 1,234.50 EUR (cents only when there are some). A Chinese
    reader sees CNY as ¥12.5万 / ¥1.2亿 where that is exact, else ¥8,000."""
    if current_locale() == "zh" and currency == "CNY":
        return f"¥{wan(amount)}"
    return f"{format_amount(amount)} {currency}"


def wan(amount: Decimal) -> str:
    """An amount as a Chinese reader counts it: from 1万 (10^4) up in 万 with at most two
    decimals (12.5万; 11,454,545.45 reads 1,145.45万, to the nearest 100), in 亿 (10^8) where
    that is exact to two decimals (1.2亿), below 1万 in full (8,000; 9,999.50). The figure
    behind it stays exact: only its display is rounded, as Chinese reports do."""
    yi = amount / Decimal(100_000_000)
    if abs(amount) >= 100_000_000 and yi == yi.quantize(CENT):
        return f"{format_count(yi)}亿"
    if abs(amount) >= 10_000:
        return f"{format_count((amount / Decimal(10_000)).quantize(CENT, ROUND_HALF_UP))}万"
    return format_amount(amount)


def format_amount(amount: Decimal) -> str:
    """An amount without its currency: 120,000; 1,234.50."""
    text = f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def format_count(value: Decimal | int) -> str:
    """A count: 300, 1,200; a planned 2.5 a day keeps its fraction (2.5)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value.to_integral_value():,f}"
    return f"{value.quantize(CENT, ROUND_HALF_UP).normalize():,f}"


def format_value(value: Decimal, metric: str, currency: str | None) -> str:
    """A target or an actual: money for revenue, a count for every other metric."""
    if metric == "revenue":
        return format_money(value, currency) if currency else format_amount(value)
    return format_count(value)
