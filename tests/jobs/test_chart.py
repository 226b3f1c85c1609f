"""The digest chart: a real PNG of the agreed size, for full, partial and empty data."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.image import imread

from commands.plan.scorecard import cumulative_plan_vs_actual
from jobs.chart import ACTUAL_COLOR, HEIGHT_PX, PLAN_COLOR, WIDTH_PX, digest_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]
DECEMBER = [date(2026, 12, 1) + timedelta(days=i) for i in range(31)]
WORKING = [d for d in DECEMBER if d.weekday() < 5]


def cumulative(through: date | None = date(2026, 12, 15)) -> pd.DataFrame:
    targets = pd.DataFrame({"day": WORKING, "target": [Decimal(10000)] * len(WORKING)})
    actuals = pd.DataFrame({"day": WORKING, "actual": [Decimal(8000)] * len(WORKING)})
    return cumulative_plan_vs_actual(targets, actuals, through=through)


REPS = pd.DataFrame({"rep": ["Alice", "Bob", "Carol"],
                     "attainment": [Decimal("0.41"), Decimal("1.12"), None]})
EMPTY_REPS = pd.DataFrame({"rep": pd.Series([], dtype=object),
                           "attainment": pd.Series([], dtype=object)})


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def columns_with(png: bytes, hex_color: str) -> np.ndarray:
    """Pixel columns where the exact colour appears (line centres are drawn unblended)."""
    pixels = (imread(io.BytesIO(png), format="png")[:, :, :3] * 255).round().astype(int)
    rgb = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    return np.where((pixels == rgb).all(axis=2).any(axis=0))[0]


def test_chart_is_a_png_of_the_agreed_size() -> None:
    png = digest_chart(cumulative(), REPS, "East — week 51")
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)
    assert png.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82")


def test_actual_line_stops_at_the_last_day_with_an_actual() -> None:
    png = digest_chart(cumulative(through=date(2026, 12, 15)), EMPTY_REPS, "East")
    plan, actual = columns_with(png, PLAN_COLOR), columns_with(png, ACTUAL_COLOR)
    assert len(plan) and len(actual)
    # the 15th is 11 of 23 working days in: the actual line ends about halfway along the plan
    assert actual.max() < plan.min() + (plan.max() - plan.min()) * 0.6


def test_empty_inputs_still_give_a_chart() -> None:
    empty = cumulative_plan_vs_actual(pd.DataFrame({"day": [], "target": []}),
                                      pd.DataFrame({"day": [], "actual": []}))
    for frames in ((empty, EMPTY_REPS), (empty, REPS), (cumulative(), EMPTY_REPS)):
        assert png_size(digest_chart(*frames, "Nothing yet")) == (WIDTH_PX, HEIGHT_PX)
    nothing_closed = cumulative(through=date(2026, 11, 30))  # every actual_cum is None
    assert png_size(digest_chart(nothing_closed, REPS, "East")) == (WIDTH_PX, HEIGHT_PX)
    no_targets = pd.DataFrame({"rep": ["Alice"], "attainment": [None]})
    assert png_size(digest_chart(empty, no_targets, "East")) == (WIDTH_PX, HEIGHT_PX)


def test_charts_render_the_same_from_several_threads() -> None:
    expected = digest_chart(cumulative(), REPS, "East")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: digest_chart(cumulative(), REPS, "East"), range(8)))
    assert all(r == expected for r in results)


def test_chart_leaves_pyplot_and_slack_alone() -> None:
    # A fresh interpreter, so another test importing pyplot cannot hide it.
    script = (
        "import sys\n"
        "from tests.jobs.test_chart import REPS, cumulative\n"
        "from jobs.chart import digest_chart\n"
        "digest_chart(cumulative(), REPS, 'East')\n"
        "loaded = [m for m in ('matplotlib.pyplot', 'slack_sdk', 'slack_bolt')"
        " if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == ""
