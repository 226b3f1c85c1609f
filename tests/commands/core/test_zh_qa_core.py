"""What a Chinese user found trying salesbot (issue 18 QA): a message names an option the way
the reader wrote it (截止, not by), a currency after the amount is part of it (12万 人民币),
a key one character off a real one gets a "did you mean" when its value fits that option
(金钱:12万 is 金额:), and a follow-up snoozes by 1周 or 3天 as by 1w or 3d. English reads as
before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commands.core.aliases import shown_option
from commands.core.dates import days_after, parse_day
from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.core.money import Money, parse_amount
from commands.core.periods import parse_period
from commands.core.text import choice, parse_words, yes_no

TODAY = date(2026, 12, 6)  # a Sunday
DEAL_OPTIONS = ("customer", "amount", "stage", "close", "currency", "new", "tier")


def test_an_option_is_shown_as_the_reader_typed_it() -> None:
    with use_locale("zh"):
        parse_words("Acme 截止日:明天 下一步:报价", ("by", "next"))
        assert shown_option("by") == "截止日"  # the alias they typed
        assert shown_option("on") == "日期"  # not typed: its main Chinese word
        assert shown_option("metric") == "指标"  # no Chinese key, still a Chinese name
        parse_words("Acme 截止:明天", ("by",))  # the next command starts afresh
        assert shown_option("by") == "截止"
    with use_locale("en"):
        parse_words("Acme 截止日:明天", ("by",))
        assert shown_option("by") == "by"


@pytest.mark.parametrize(("typed", "shown"), [("日期", "日期"), ("拜访日期", "拜访日期")])
def test_a_date_error_names_the_key_typed(typed: str, shown: str) -> None:
    with use_locale("zh"):
        words = parse_words(f"Acme {typed}:someday", ("on",))
        with pytest.raises(UsageError, match=f"`{shown}:someday`") as err:
            parse_day(words.options["on"], today=TODAY, prefer="past", option="on")
    assert "on:" not in err.value.message


def test_a_date_ahead_is_suggested_with_days_ahead_in_chinese() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as err:
        parse_day("someday", today=TODAY, prefer="future", option="close")
    assert "成交日:明天" in err.value.message and "成交日:下周五" in err.value.message
    assert "昨天" not in err.value.message and "上周" not in err.value.message


def test_english_date_errors_read_as_before() -> None:
    for prefer in ("past", "future"):
        with use_locale("en"), pytest.raises(UsageError) as err:
            parse_day("someday", today=TODAY, prefer=prefer, option="close")
        assert err.value.message == (
            '`close:someday` is not a date I understand. Try close:2026-11-20, '
            'close:yesterday, close:"last tue" or close:"next friday".')


def test_amount_month_choice_and_yes_no_errors_name_the_chinese_key() -> None:
    with use_locale("zh"):
        parse_words("金额:12x", ("amount",))
        with pytest.raises(UsageError, match="`金额:12x`"):
            parse_amount("12x", "amount")
        with pytest.raises(UsageError, match="`月:2026-13`") as month:
            parse_period("month:2026-13")  # callers rebuild `month:` from 月:
        assert "月:2026-12" in month.value.message and "month" not in month.value.message
        with pytest.raises(UsageError, match="`指标:收人`"):
            choice("收人", ("revenue", "wins"), "metric")
        with pytest.raises(UsageError, match="`新客户:` 只能是"):
            yes_no("也许", "new")
    with use_locale("en"), pytest.raises(UsageError, match="`month:2026-13`: a month is 01"):
        parse_period("month:2026-13")


@pytest.mark.parametrize(("typed", "amount"), [
    ("金额:12万 人民币", Money(Decimal("120000.00"), "CNY")),
    ("金额:12万 美元", Money(Decimal("120000.00"), "USD")),
    ("金额:12万元人民币", Money(Decimal("120000.00"), "CNY")),
    ("金额:12万元 人民币", Money(Decimal("120000.00"), "CNY")),
    ("金额:1.2亿元", Money(Decimal("120000000.00"), "CNY")),
    ("金额:12万美元", Money(Decimal("120000.00"), "USD")),
    ("金额:500万 日元", Money(Decimal("5000000.00"), "JPY")),
    ("金额:3万 欧元", Money(Decimal("30000.00"), "EUR")),
    ("金额:3万 英镑", Money(Decimal("30000.00"), "GBP")),
    ("金额:3万 港币", Money(Decimal("30000.00"), "HKD")),
    ("amount:120k EUR", Money(Decimal("120000.00"), "EUR")),
])
def test_a_currency_after_the_amount_belongs_to_it(typed: str, amount: Money) -> None:
    words = parse_words(f'"华为十期" {typed}', DEAL_OPTIONS, money_options=("amount",))
    assert words.positionals == ["华为十期"]
    assert parse_amount(words.options["amount"]) == amount


def test_two_currencies_for_one_amount_are_refused() -> None:
    with use_locale("zh"), pytest.raises(UsageError, match="两种不同的币种"):
        parse_amount("$12万 人民币")


@pytest.mark.parametrize(("typed", "guess"), [
    ("金钱:12万", "金额"),  # an amount: 金额 was meant
    ("成交曰:下周五", "成交日"),  # a date
    ("阶断:谈判", "阶段"),  # a stage
])
def test_a_chinese_key_one_off_with_a_fitting_value_gets_a_did_you_mean(typed: str,
                                                                     guess: str) -> None:
    with use_locale("zh"), pytest.raises(UsageError, match=f"`{guess}:`"):
        parse_words(f'新建 "华为十五期" 客户:华为 {typed}', DEAL_OPTIONS,
                    money_options=("amount",))


def test_a_chinese_word_with_a_colon_in_the_notes_stays_in_the_notes() -> None:
    words = parse_words("Acme 结论:客户很满意 金钱:不是问题", ("outcome", "amount"))
    assert words.positionals == ["Acme", "结论:客户很满意", "金钱:不是问题"]


@pytest.mark.parametrize(("typed", "days"), [
    ("1d", 1), ("1w", 7), ("1天", 1), ("3天", 3), ("1周", 7), ("2周", 14), ("两周", 14),
    ("2个星期", 14), ("1个月", 31), ("１周", 7), ("0天", 0),
])
def test_a_span_counts_days_from_today(typed: str, days: int) -> None:
    assert days_after(typed, TODAY) == days


def test_a_month_ends_at_the_end_of_a_shorter_month() -> None:
    assert days_after("1个月", date(2027, 1, 31)) == 28  # to 28 February


@pytest.mark.parametrize("typed", ["friday", "周五", "1月", "12月3日", "1"])
def test_a_day_is_not_a_span(typed: str) -> None:
    assert days_after(typed, TODAY) is None
