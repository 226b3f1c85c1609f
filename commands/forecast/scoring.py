"""Scoring calls against what was won, as pure functions.

forecast error = (call − actual) / actual, for the first and the last call of a period;
its sign is the direction (over-calling +, sandbagging −); accuracy = 1 − |error|, and a
rep's running accuracy is its mean over the periods scored. A call in a period where
nothing was won missed all of it: error +100% (accuracy 0), or 0 when the call was 0 too;
such a period counts like any other, so a rep who calls and wins nothing is not flattered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

RATIO = Decimal("0.0001")


def forecast_error(call: Decimal, actual: Decimal) -> Decimal:
    """(call − actual) / actual; when nothing was won, +100% for any call above 0 (the
    whole call missed), 0 for a call of 0."""
    if actual == 0:
        return Decimal(0) if call == 0 else Decimal(1)
    return ((call - actual) / actual).quantize(RATIO, ROUND_HALF_UP)


def direction(call: Decimal, actual: Decimal) -> str:
    if call > actual:
        return "over-called"
    if call < actual:
        return "sandbagged"
    return "exact"


def accuracy(error: Decimal | None) -> Decimal | None:
    """1 − |error|, never below zero (a call three times the actual is simply wrong)."""
    if error is None:
        return None
    return max(Decimal(1) - abs(error), Decimal(0))


def running_accuracy(errors: Sequence[Decimal | None]) -> Decimal | None:
    """The mean accuracy of the periods that could be scored."""
    scored = [a for a in (accuracy(e) for e in errors) if a is not None]
    if not scored:
        return None
    return (sum(scored, Decimal(0)) / len(scored)).quantize(RATIO, ROUND_HALF_UP)


@dataclass(frozen=True)
class PeriodScore:
    period: str
    who: str
    first: Decimal
    last: Decimal
    actual: Decimal

    @property
    def first_error(self) -> Decimal:
        return forecast_error(self.first, self.actual)

    @property
    def last_error(self) -> Decimal:
        return forecast_error(self.last, self.actual)

    @property
    def direction(self) -> str:
        return direction(self.last, self.actual)
