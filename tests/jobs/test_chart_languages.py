"""The digest chart in the reader's language: Chinese labels drawn in the CJK font the
install ships, and English labels (with a log line) when that font is missing."""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import jobs.chart
from commands.core.i18n import use_locale
from jobs.chart import digest_chart, locate_cjk_font
from tests.jobs.test_chart import REPS, cumulative

CJK = ("\u4e00", "\u9fff")


class _Drawn:
    """The figures the chart code drew, and the font each piece of text was drawn in."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.figures: list[Figure] = []
        drawn = self.figures

        class Recording(FigureCanvasAgg):
            def print_png(self, *args: object, **kwargs: object) -> None:
                super().print_png(*args, **kwargs)  # type: ignore[arg-type]
                drawn.append(self.figure)

        monkeypatch.setattr(jobs.chart, "FigureCanvasAgg", Recording)

    def texts(self) -> dict[str, str]:
        """Each visible text, by its words, and the font file it was drawn with."""
        [figure] = self.figures
        return {text.get_text(): font_manager.findfont(text.get_fontproperties())
                for text in figure.findobj(Text) if text.get_text().strip()}


def _chinese(words: str) -> bool:
    return any(CJK[0] <= ch <= CJK[1] for ch in words)


def _render(monkeypatch: pytest.MonkeyPatch, lang: str,
            caplog: pytest.LogCaptureFixture) -> tuple[dict[str, str], list[str]]:
    """Draw the chart in `lang`; its texts, and every missing-glyph complaint."""
    drawn = _Drawn(monkeypatch)
    with warnings.catch_warnings(record=True) as caught, use_locale(lang):
        warnings.simplefilter("always")
        with caplog.at_level(logging.WARNING):
            png = digest_chart(cumulative(), REPS, "华东团队: 2026-12")
    assert png.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    missing += [r.getMessage() for r in caplog.records if "missing from font" in r.getMessage()]
    return drawn.texts(), missing


def test_the_install_ships_a_cjk_font() -> None:
    found = locate_cjk_font()
    assert found is not None and found.name == "NotoSansCJKsc-Regular.otf"


def test_a_chinese_chart_has_chinese_labels_in_the_cjk_font(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    before = dict(matplotlib.rcParams)
    texts, missing = _render(monkeypatch, "zh", caplog)
    assert missing == []  # every character had a glyph
    for words in ("计划与实际（累计）", "计划", "实际", "各销售达成率", "无目标",
                  "华东团队: 2026-12"):
        assert Path(texts[words]).name == "NotoSansCJKsc-Regular.otf", words
    assert not any("Plan" in words or "Attainment" in words for words in texts)
    # the font was found, not imported (mplfonts may change the global rc), and the chart's
    # font family is gone from the global rc once it is drawn
    assert "mplfonts" not in sys.modules
    assert dict(matplotlib.rcParams) == before


def test_without_the_cjk_font_the_chart_falls_back_to_english_and_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(jobs.chart, "locate_cjk_font", lambda: None)
    texts, _ = _render(monkeypatch, "zh", caplog)
    assert {"Plan vs actual, cumulative", "Plan", "Actual", "no target"} <= set(texts)
    assert not any(_chinese(words) for words in texts if words != "华东团队: 2026-12")
    assert any("No CJK font found" in r.getMessage() and "English labels" in r.getMessage()
               for r in caplog.records if r.name == "jobs.chart")


def test_an_english_chart_keeps_its_english_labels(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    texts, _ = _render(monkeypatch, "en", caplog)
    assert {"Plan vs actual, cumulative", "Plan", "Actual", "Attainment by rep"} <= set(texts)
    assert Path(texts["Plan"]).name.startswith("DejaVuSans")
