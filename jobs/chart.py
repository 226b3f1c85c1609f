"""Draw the weekly digest's chart: cumulative plan vs actual, and attainment per rep."""

# Agg through Figure + FigureCanvasAgg, never pyplot: pyplot keeps global figure state that is
# not thread-safe, and digests for several teams may render at once on scheduler threads.
# Nothing here changes matplotlib's global rcParams either. Decimals become floats only here,
# for pixels; the numbers a reader sees elsewhere stay Decimal.

from __future__ import annotations

import importlib.metadata
import io
import logging
import math
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from babel.dates import format_skeleton
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from commands.core.i18n import BABEL_LOCALE, N_, current_locale, t, tn, tp, use_locale
from commands.plan.names import period_name

log = logging.getLogger(__name__)

WIDTH_PX, HEIGHT_PX, DPI = 1200, 500, 100
HISTORY_HEIGHT_PX = 300  # added below for the reps' last six months
HISTORY_COLORS = ("#1f6feb", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#0550ae",
                  "#57606a")
PLAN_COLOR = "#9aa5b1"
ACTUAL_COLOR = "#1f6feb"
MET_COLOR = "#2da44e"  # ahead of pace (or the target met)
SHORT_COLOR = "#d4a72c"  # near pace: behind the line, within the warnings' threshold
BEHIND_COLOR = "#cf222e"  # behind pace, as the behind-pace warning judges it
EXPECTED_COLOR = "#24292f"
# The warnings' default: behind when attainment is under 85% of the expected share.
DEFAULT_PACE_THRESHOLD = 0.85
NO_DATA = N_("No data yet")
# Rep names and team titles are often Chinese; DejaVu has no CJK glyphs, so fall back to
# whichever of these is installed.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei")
# The CJK font the install provides for a chart in Chinese (mplfonts ships it, SIL OFL). It is
# located, not imported: importing mplfonts may change matplotlib's global rc.
CJK_FONT_PACKAGE = "mplfonts"
CJK_FONT_FILE = "mplfonts/fonts/NotoSansCJKsc-Regular.otf"
# A chart in Chinese sets its font family through rc_context, which is process-wide while it
# lasts: charts render one at a time so no other chart sees it.
_RENDERING = threading.Lock()


def digest_chart(cumulative: pd.DataFrame, reps: pd.DataFrame, title: str, *,
                 currency: str | None = None,
                 pace_threshold: Decimal | float = DEFAULT_PACE_THRESHOLD,
                 history: pd.DataFrame | None = None) -> bytes:
    """Render the digest chart as PNG bytes, WIDTH_PX × HEIGHT_PX.

    Args:
        cumulative: commands.plan.scorecard.cumulative_plan_vs_actual's output (day, plan_cum,
            actual_cum); the actual line stops where actual_cum is None.
        reps: columns rep and attainment (a Decimal ratio, None for no target), in the
            order to show them top to bottom; optionally expected (the share of the target
            expected by now): each bar then has its expected-to-date mark and is coloured by
            pace (ahead, near, behind at `pace_threshold`, as the warnings judge it).
        currency: the money axis's label.
        history: columns period, rep, attainment (each rep's last months, oldest first):
            drawn below, HISTORY_HEIGHT_PX taller, when it has any attainment.
    """
    with _RENDERING, _chart_fonts() as family:
        return _render(cumulative, reps, title, family, currency=currency,
                       pace_threshold=float(pace_threshold), history=history)


@contextmanager
def _chart_fonts() -> Iterator[list[str]]:
    """The font family for this chart's text, in the current language's labels.

    In Chinese the CJK font comes first (for this chart only, restored after); without one
    the chart is drawn with English labels rather than with boxes for every character.
    """
    cjk = cjk_family()
    if current_locale() == "en":
        # English labels; names (reps, teams) may still be Chinese
        yield [*_font_family(), *([cjk] if cjk and cjk not in _font_family() else [])]
        return
    if cjk is None:
        log.warning("No CJK font found (%s from the %s package): drawing the digest chart "
                    "with English labels", CJK_FONT_FILE, CJK_FONT_PACKAGE)
        with use_locale("en"):
            yield list(_font_family())
        return
    family = [cjk, "DejaVu Sans"]
    with rc_context({"font.family": family}):
        yield family


def locate_cjk_font() -> Path | None:
    """The CJK font file the install provides, or None when it is not there."""
    try:
        found = importlib.metadata.distribution(CJK_FONT_PACKAGE).locate_file(CJK_FONT_FILE)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(found))
    return path if path.is_file() else None


def cjk_family() -> str | None:
    """The family name of the install's CJK font, registered with matplotlib once."""
    path = locate_cjk_font()
    return None if path is None else _registered(str(path))


@cache
def _registered(path: str) -> str:
    font_manager.fontManager.addfont(path)
    return str(FontProperties(fname=path).get_name())


def _render(cumulative: pd.DataFrame, reps: pd.DataFrame, title: str, family: list[str], *,
            currency: str | None, pace_threshold: float,
            history: pd.DataFrame | None) -> bytes:
    with_history = history is not None and any(
        not math.isnan(_number(v)) for v in history["attainment"])
    height = HEIGHT_PX + (HISTORY_HEIGHT_PX if with_history else 0)
    figure = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    # P: plan vs actual, R: reps' attainment, H: the reps' last months
    axes = figure.subplot_mosaic("PR;HH" if with_history else "PR", width_ratios=[3, 2],
                                 height_ratios=[HEIGHT_PX, HISTORY_HEIGHT_PX] if with_history
                                 else None)
    figure.suptitle(title, fontsize=14, fontfamily=family)
    _draw_plan_vs_actual(axes["P"], cumulative, currency)
    _draw_attainment(axes["R"], reps, pace_threshold, family)
    if with_history and history is not None:
        _draw_history(axes["H"], history, family)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def _draw_plan_vs_actual(axes: Axes, cumulative: pd.DataFrame, currency: str | None) -> None:
    axes.set_title(t("Plan vs actual, cumulative"), fontsize=12)
    if cumulative.empty:
        _no_data(axes)
        return
    # Plotted as day numbers with an explicit date locator, so no unit converter is needed.
    days = [float(x) for x in date2num([_day(d) for d in cumulative["day"]])]
    plan = [_number(v) for v in cumulative["plan_cum"]]
    actual = [_number(v) for v in cumulative["actual_cum"]]
    if all(math.isnan(v) for v in plan + actual):
        _no_data(axes)
        return
    axes.plot(days, plan, color=PLAN_COLOR, linestyle="--", linewidth=2, label=t("Plan"))
    # NaN breaks the line, so the actual line ends at the last day with an actual.
    axes.plot(days, actual, color=ACTUAL_COLOR, linewidth=2.5, label=t("Actual"))
    known = [(d, v) for d, v in zip(days, actual, strict=True) if not math.isnan(v)]
    if known:
        last_day, last_value = known[-1]
        axes.plot([last_day], [last_value], marker="o", color=ACTUAL_COLOR)
        axes.annotate(_compact(last_value), (last_day, last_value), textcoords="offset points",
                      xytext=(6, 6), color=ACTUAL_COLOR, fontsize=9)
    # Day and month on each tick, and the axis kept to the period, so a November chart
    # shows no stray "Dec" offset label.
    axes.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
    if current_locale() == "en":
        axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    else:
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_skeleton(
            "MMMd", num2date(value).date(), locale=BABEL_LOCALE[current_locale()])))
    if days[-1] > days[0]:
        axes.set_xlim(days[0], days[-1])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _compact(value)))
    if currency:
        axes.set_ylabel(_unit(currency), fontsize=11)
    axes.tick_params(labelsize=10)
    axes.set_ylim(bottom=min(0.0, *_finite(plan + actual)))
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", frameon=False)


def pace_color(share: float, expected: float, threshold: float) -> str:
    """A bar's colour: ahead of pace, near it (within the threshold), or behind. Without an
    expectation (none known, or nothing expected yet), met or not met."""
    if math.isnan(expected) or expected <= 0:
        return MET_COLOR if share >= 100 else SHORT_COLOR
    pace = share / expected
    if pace >= 1:
        return MET_COLOR
    return SHORT_COLOR if pace >= threshold else BEHIND_COLOR


def _draw_attainment(axes: Axes, reps: pd.DataFrame, threshold: float,
                     family: list[str]) -> None:
    axes.set_title(t("Attainment by rep (| expected by now)") if "expected" in reps.columns
                   else t("Attainment by rep"), fontsize=12)
    if reps.empty:
        _no_data(axes)
        return
    names = [str(r) for r in reps["rep"]]
    shares = [_number(v) * 100 for v in reps["attainment"]]
    expected = ([_number(v) * 100 for v in reps["expected"]] if "expected" in reps.columns
                else [math.nan] * len(names))
    positions = list(range(len(names)))
    widths = [0.0 if math.isnan(s) else s for s in shares]
    colors = [pace_color(w, e, threshold) for w, e in zip(widths, expected, strict=True)]
    axes.barh(positions, widths, color=colors, height=0.6)
    for position, mark in zip(positions, expected, strict=True):
        if not math.isnan(mark):
            axes.plot([mark, mark], [position - 0.42, position + 0.42], color=EXPECTED_COLOR,
                      linewidth=2.5, solid_capstyle="butt")
    axes.set_yticks(positions, labels=names, fontfamily=family, fontsize=11)
    axes.invert_yaxis()  # first rep on top
    axes.axvline(100, color="#57606a", linestyle="--", linewidth=1)
    right = max(120.0, *(w * 1.15 for w in widths))
    axes.set_xlim(min(0.0, *widths), right)
    for position, share, width, mark in zip(positions, shares, widths, expected, strict=True):
        label = t("no target") if math.isnan(share) else f"{share:.0f}%"
        end = max(width, 0.0 if math.isnan(mark) else mark, 0.0)  # clear of the mark
        axes.text(end + right * 0.015, position, label, va="center", fontsize=10)
    if "expected" in reps.columns:
        axes.legend(handles=[Patch(color=c, label=t) for c, t in (
            (MET_COLOR, t("ahead of pace")), (SHORT_COLOR, tp("pace", "near")),
            (BEHIND_COLOR, tp("pace", "behind")))],
            loc="lower right", frameon=False, fontsize=9)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    axes.grid(axis="x", alpha=0.3)


def _draw_history(axes: Axes, history: pd.DataFrame, family: list[str]) -> None:
    """Each rep's attainment month by month: one line per rep, 100% dashed."""
    periods = list(dict.fromkeys(str(p) for p in history["period"]))
    axes.set_title(tn("Attainment by rep, last {n} month", "Attainment by rep, last {n} months",
                      len(periods)), fontsize=12)
    positions = {p: i for i, p in enumerate(periods)}
    reps = list(dict.fromkeys(str(r) for r in history["rep"]))
    for index, rep in enumerate(reps):
        mine = history[history["rep"] == rep]
        xs = [positions[str(p)] for p in mine["period"]]
        ys = [_number(v) * 100 for v in mine["attainment"]]
        axes.plot(xs, ys, marker="o", linewidth=2, label=rep,
                  color=HISTORY_COLORS[index % len(HISTORY_COLORS)])
    axes.axhline(100, color="#57606a", linestyle="--", linewidth=1)
    # the last month is the current one: its attainment is so far, not final
    to_date = t("{period} (to date)", period=period_name(periods[-1]))
    axes.set_xticks(list(positions.values()),
                    labels=[*(period_name(p) for p in periods[:-1]), to_date], fontsize=10)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
                prop={"family": family, "size": 10})


def _no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, t(NO_DATA), ha="center", va="center", fontsize=13, color="#57606a",
              transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def _number(value: Any) -> float:
    """Turn a Decimal, int, float or None into a float; None and NaN become NaN."""
    if value is None or value is pd.NaT:
        return math.nan
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else math.nan
    return float(value)


def _day(value: Any) -> date:
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _finite(values: Iterable[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)] or [0.0]


def _unit(currency: str) -> str:
    """The money axis's label: the currency's code; in Chinese, yuan for CNY (元)."""
    return tp("money axis", "CNY") if currency == "CNY" else currency


def _compact(value: float) -> str:
    """Write an axis amount short: 950, 12.5k, 1.2M; in Chinese counted in 万 and 亿, as a
    Chinese reader counts (8,000, 12.5万, 928万, 1,000万, 1.2亿)."""
    size = abs(value)
    if current_locale() == "zh":
        if size >= 1e8:
            return f"{value / 1e8:,.3g}亿"
        if size >= 1e4:
            wan = value / 1e4
            return f"{wan:,.0f}万" if abs(wan) >= 1000 else f"{wan:.3g}万"
        return f"{value:,.0f}"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.0f}"


@cache
def _font_family() -> tuple[str, ...]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in CJK_FONTS if name in installed))
