"""The digest chart's money axis as its reader counts: in Chinese in 万 (1,000万, not 10M)
with CNY labelled 元; in English as before (10M, CNY)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from commands.core.i18n import use_locale
from commands.plan.scorecard import cumulative_plan_vs_actual
from jobs.chart import digest_chart
from tests.jobs.test_chart import REPS
from tests.jobs.test_chart_languages import _Drawn

DAYS = [date(2026, 12, 1) + timedelta(days=i) for i in range(20)]


def _month() -> pd.DataFrame:
    """A month planned to 10 million, 9.28 million won by the 15th."""
    targets = pd.DataFrame({"day": DAYS, "target": [Decimal(500_000)] * len(DAYS)})
    actuals = pd.DataFrame({"day": DAYS[:16],
                            "actual": [Decimal(580_000)] * 16})
    return cumulative_plan_vs_actual(targets, actuals, through=DAYS[15])


def _texts(monkeypatch: pytest.MonkeyPatch, lang: str, currency: str) -> set[str]:
    drawn = _Drawn(monkeypatch)
    with use_locale(lang):
        digest_chart(_month(), REPS, "华东: 2026-12", currency=currency)
    return set(drawn.texts())


def test_a_chinese_reader_reads_the_money_axis_in_wan_and_yuan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(monkeypatch, "zh", "CNY")
    assert "1,000万" in texts  # a tick, where English reads 10M
    assert "928万" in texts  # the last actual's label
    assert "元" in texts and "CNY" not in texts
    assert not any(words.endswith("M") for words in texts)


def test_other_currencies_keep_their_code_but_count_in_wan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(monkeypatch, "zh", "USD")
    assert {"USD", "1,000万", "928万"} <= texts


def test_an_english_reader_keeps_m_and_the_currency_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(monkeypatch, "en", "CNY")
    assert {"CNY", "10M", "9.28M"} <= texts
    assert not any("万" in words for words in texts)
