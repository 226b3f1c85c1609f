"""What the team renderers and the shared form parts show a Chinese reader."""

from __future__ import annotations

from datetime import date

from bot.render import render
from bot.views.base import options
from bot.views.visits import visit_form
from commands.core.i18n import use_locale
from jobs.refusals import ChannelRefused


def test_form_choices_and_cancel_are_in_the_readers_language() -> None:
    with use_locale("zh"):
        form = visit_form(today=date(2026, 12, 3), channel_id="C0EAST").to_dict()
        labels = [o.label for o in options(["visit", "call", "won", "quarter", "pilot"])]
    assert form["close"]["text"] == "取消"
    assert labels == ["拜访", "电话", "赢单", "季度", "Pilot"]  # a workspace's own stage as is
    assert [o.label for o in options(["visit", "won"])] == ["Visit", "Won"]


def test_a_manager_is_told_in_chinese_why_the_channel_refuses_posts() -> None:
    notice = ChannelRefused(team="East", channel_id="C0EAST", error="not_in_channel")
    with use_locale("zh"):
        text = render(notice).plain()
    assert text.startswith(":warning: salesbot 无法在团队频道发布 East 的晨会汇总和预警："
                           "salesbot 不是")
    assert "`/sales 团队 频道 团队:\"East\"`" in text
