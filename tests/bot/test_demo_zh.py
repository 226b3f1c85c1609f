"""`salesbot demo --lang zh`: the same story with a Chinese team, told in Chinese."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.cli
from bot.cli import cli
from commands.core.i18n import current_locale, default_locale
from demo.chinese import in_chinese_keys


def test_salesbot_demo_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a Wednesday afternoon: the week is the last one, then Monday and Tuesday quietly
    monkeypatch.setattr(bot.cli, "utc_now", lambda: datetime(2026, 11, 25, 5, 45, tzinfo=UTC))
    monkeypatch.setattr(sys, "argv", ["salesbot", "demo"])
    result = CliRunner().invoke(cli, ["demo", "--lang", "zh", "--db", str(tmp_path / "d.db"),
                                      "--chart", str(tmp_path / "chart.png")])
    assert result.exit_code == 0, result.output
    out = result.output
    # the team, its customers and what its people type are Chinese
    assert "── 11月16日 星期一 ──" in out
    assert "11月16日 周一 08:30 · " in out  # each post's time, as a Chinese reader reads it
    # (in Chinese keys, 类型:电话 结果:积极, where this version has them)
    assert in_chinese_keys('/visit "上海华怡医药" type:call outcome:positive '
                           'next:"发送12个网点的报价" by:周二') in out
    assert "华怡要先看一家医药行业的参考客户，才肯谈价格" in out  # alice's blocker
    assert "凯达法务" in out  # chen's, two days running
    assert "dana> /standup ooo 明天" in out
    # amounts in 万, as the Chinese team types and reads them
    assert "¥" in out and "万" in out
    # the console session: the typo is caught, then the visit is logged
    assert "meting" in out and ("`meeting`" in out or "`会议`" in out)
    assert in_chinese_keys("/deal D-1 stage:negotiation amount:110万 close:下周五") in out
    assert "¥110万" in out
    assert "console --user alice --lang zh --database-url" in out
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")
    # the next command in this process is in English again
    assert default_locale() == "en" and current_locale() == "en"
