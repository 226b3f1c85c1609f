"""Draw the weekly digest's chart: cumulative plan vs actual, and attainment per rep."""

# Agg through Figure + FigureCanvasAgg, never pyplot: pyplot keeps global figure state that is
# not thread-safe, and digests for several teams may render at once on scheduler threads.
# Nothing here changes matplotlib's global rcParams either. Decimals become floats only here,
# for pixels; the numbers a reader sees elsewhere stay Decimal.

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

WIDTH_PX, HEIGHT_PX, DPI = 1200, 500, 100
PLAN_COLOR = "#9aa5b1"
ACTUAL_COLOR = "#1f6feb"
MET_COLOR = "#2da44e"
SHORT_COLOR = "#d4a72c"
NO_DATA = "No data yet"
# Rep names and team titles are often Chinese; DejaVu has no CJK glyphs, so fall back to
# whichever of these is installed.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei")


def digest_chart(cumulative: pd.DataFrame, reps: pd.DataFrame, title: str) -> bytes:
    """Render the digest chart as PNG bytes, WIDTH_PX × HEIGHT_PX.

    Args:
        cumulative: commands.plan.scorecard.cumulative_plan_vs_actual's output (day, plan_cum,
            actual_cum); the actual line stops where actual_cum is None.
        reps: columns rep and attainment (a Decimal ratio, None for no target), in the
            order to show them top to bottom.
    """
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI,
                    layout="constrained")
    canvas = FigureCanvasAgg(figure)
    plan_axes, reps_axes = figure.subplots(1, 2, width_ratios=[3, 2])
    figure.suptitle(title, fontsize=14, fontfamily=list(_font_family()))
    _draw_plan_vs_actual(plan_axes, cumulative)
    _draw_attainment(reps_axes, reps)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def _draw_plan_vs_actual(axes: Axes, cumulative: pd.DataFrame) -> None:
    axes.set_title("Plan vs actual, cumulative", fontsize=11)
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
    axes.plot(days, plan, color=PLAN_COLOR, linestyle="--", linewidth=2, label="Plan")
    # NaN breaks the line, so the actual line ends at the last day with an actual.
    axes.plot(days, actual, color=ACTUAL_COLOR, linewidth=2.5, label="Actual")
    known = [(d, v) for d, v in zip(days, actual, strict=True) if not math.isnan(v)]
    if known:
        last_day, last_value = known[-1]
        axes.plot([last_day], [last_value], marker="o", color=ACTUAL_COLOR)
        axes.annotate(_compact(last_value), (last_day, last_value), textcoords="offset points",
                      xytext=(6, 6), color=ACTUAL_COLOR, fontsize=9)
    # Day and month on each tick, and the axis kept to the period, so a November chart
    # shows no stray "Dec" offset label.
    axes.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    if days[-1] > days[0]:
        axes.set_xlim(days[0], days[-1])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _compact(value)))
    axes.set_ylim(bottom=min(0.0, *_finite(plan + actual)))
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", frameon=False)


def _draw_attainment(axes: Axes, reps: pd.DataFrame) -> None:
    axes.set_title("Attainment by rep", fontsize=11)
    if reps.empty:
        _no_data(axes)
        return
    names = [str(r) for r in reps["rep"]]
    shares = [_number(v) * 100 for v in reps["attainment"]]
    positions = list(range(len(names)))
    widths = [0.0 if math.isnan(s) else s for s in shares]
    colors = [MET_COLOR if s >= 100 else SHORT_COLOR for s in widths]
    axes.barh(positions, widths, color=colors, height=0.6)
    axes.set_yticks(positions, labels=names, fontfamily=list(_font_family()))
    axes.invert_yaxis()  # first rep on top
    axes.axvline(100, color="#57606a", linestyle="--", linewidth=1)
    right = max(120.0, *(w * 1.15 for w in widths))
    axes.set_xlim(min(0.0, *widths), right)
    for position, share, width in zip(positions, shares, widths, strict=True):
        label = "no target" if math.isnan(share) else f"{share:.0f}%"
        axes.text(max(width, 0.0) + right * 0.01, position, label, va="center", fontsize=9)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    axes.grid(axis="x", alpha=0.3)


def _no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=13, color="#57606a",
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


def _compact(value: float) -> str:
    """Write an axis amount short: 950, 12.5k, 1.2M."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.0f}"


@cache
def _font_family() -> tuple[str, ...]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in CJK_FONTS if name in installed))
