"""The digest chart's months under the reps' attainment read 2026年11月 in Chinese, and stay
2026-11 in English."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from commands.core.i18n import use_locale
from jobs.chart import digest_chart
from tests.jobs.test_chart import REPS, cumulative
from tests.jobs.test_chart_languages import _Drawn

MONTHS = ["2026-10", "2026-11", "2026-12"]
HISTORY = pd.DataFrame([(m, "Alice", Decimal("0.9")) for m in MONTHS],
                       columns=["period", "rep", "attainment"]).astype(object)


def _texts(monkeypatch: pytest.MonkeyPatch, lang: str) -> set[str]:
    drawn = _Drawn(monkeypatch)
    with use_locale(lang):
        digest_chart(cumulative(), REPS, "East", history=HISTORY)
    return set(drawn.texts())


def test_the_chart_names_its_months_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(monkeypatch, "zh")
    assert {"2026年10月", "2026年11月"} <= texts
    assert any(words.startswith("2026年12月") for words in texts)
    assert not any(m in words for m in MONTHS for words in texts)


def test_the_english_chart_keeps_its_months(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(monkeypatch, "en")
    assert {"2026-10", "2026-11", "2026-12 (to date)"} <= texts
