"""`/sales warnings`, `/sales action` and `/sales config warnings` answer a Chinese-speaking
caller in Chinese."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from commands.core.errors import UsageError
from storage.models import Member
from tests.conftest import Chat, Clock


@pytest.fixture
def chinese(team: Chat, clock: Clock) -> Chat:
    """East with a 300k November target and nothing won; everyone reads Chinese."""
    now = clock.now
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = now
    with team.deps.session_factory.begin() as session:
        session.execute(update(Member).values(language="zh"))
    return team


def test_the_warnings_list_is_in_chinese(chinese: Chat) -> None:
    reply = chinese.say("mia", "/sales warnings")
    assert reply.startswith("East当前的异常预警 （9 条；同一条预警 7 天内不会重复发布，"
                            "除非变得更严重）")
    assert ":red_circle: 进度落后（紧急） East：11月目标已完成0%，而工作日已过去71%" in reply
    assert "管道覆盖不足" in reply and "行动量不足" in reply and "尚未发布" in reply
    assert "Behind pace" not in reply and "Fix" not in reply


def test_action_items_are_added_listed_and_closed_in_chinese(chinese: Chat) -> None:
    added = chinese.say("mia", '/sales action add @alice "给Acme打电话" due:friday')
    assert added == "A-1 交给alice，11月27日 周五截止：给Acme打电话"
    listed = chinese.say("mia", "/sales action list")
    assert listed.splitlines() == ["East的改进行动",
                                   "• A-1 alice：给Acme打电话 — 11月27日 周五截止"]
    assert chinese.say("mia", "/sales action done A-1") == "已完成：A-1 给Acme打电话"
    assert chinese.say("mia", "/sales action list") == "East没有未完成的改进行动。"
    with pytest.raises(UsageError, match="没有改进行动 A-9。"):
        chinese.say("mia", "/sales action done A-9")


def test_warning_settings_errors_answer_in_chinese(chinese: Chat) -> None:
    with pytest.raises(UsageError, match="不是预警规则。你是不是想用 `stale_deal`？"):
        chinese.say("mia", "/sales config warnings off:stale_deals")
