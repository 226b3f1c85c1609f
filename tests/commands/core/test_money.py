"""Money amounts as salespeople type them."""

from decimal import Decimal

import pytest

from commands.core.errors import UsageError
from commands.core.money import Money, parse_amount


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("120000", Money(Decimal("120000"), None)),
        ("120,000", Money(Decimal("120000"), None)),
        ("120k", Money(Decimal("120000"), None)),
        ("1.2m", Money(Decimal("1200000"), None)),
        ("$120k", Money(Decimal("120000"), "USD")),
        ("¥120,000", Money(Decimal("120000"), "CNY")),
        ("12万", Money(Decimal("120000"), None)),
        ("120k EUR", Money(Decimal("120000"), "EUR")),
        ("1,234.50", Money(Decimal("1234.50"), None)),
    ],
)
def test_amounts_people_type_are_understood(typed: str, expected: Money) -> None:
    assert parse_amount(typed) == expected


def test_amount_without_symbol_or_code_leaves_currency_to_the_workspace() -> None:
    assert parse_amount("120k").currency is None


def test_amount_is_exact_decimal_not_float() -> None:
    amount = parse_amount("0.1k").amount
    assert isinstance(amount, Decimal)
    assert amount == Decimal("100")


@pytest.mark.parametrize("typed", ["12x", "1,2,3", "", "   ", "1.234", "abc", "k"])
def test_things_that_are_not_amounts_are_refused(typed: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_amount(typed)
    assert "amount:" in str(err.value)


def test_three_decimal_places_are_refused_with_the_reason() -> None:
    with pytest.raises(UsageError, match="two decimal places"):
        parse_amount("120.125")


def test_error_names_the_option_and_shows_examples() -> None:
    with pytest.raises(UsageError) as err:
        parse_amount("12x")
    message = str(err.value)
    assert "`amount:12x`" in message
    assert "120k" in message


def test_symbol_and_code_that_disagree_are_refused() -> None:
    with pytest.raises(UsageError, match="two different currencies"):
        parse_amount("$120k EUR")
