"""/forecast in 简体中文: a rep who chose Chinese is answered in Chinese (categories, the
roll-up, the history and errors); English readers see what they always did."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.forecast.common import period_name
from storage.models import Member
from tests.conftest import Chat


def speaks_chinese(chat: Chat, *user_ids: str) -> None:
    with chat.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id.in_(user_ids))
                        .values(language="zh"))


@pytest.fixture
def deals(team: Chat) -> Chat:
    """East's November (as in test_forecast): alice has a proposal and a negotiation closing
    this month, bob won a deal today; alice and mia read Chinese."""
    team.say("mia", "/target set team revenue 500k month:2026-11")
    team.say("alice", '/deal new "A1" customer:"Acme" amount:120k stage:proposal '
                      "close:2026-11-27")
    team.say("alice", '/deal new "A2" customer:"Acme" amount:100k stage:negotiation '
                      "close:2026-11-30")
    team.say("bob", '/deal new "B1" customer:"Globex" amount:40k stage:negotiation')
    team.say("bob", "/deal D-3 won")
    speaks_chinese(team, "UALICE", "UMIA")
    return team


def test_period_labels_read_as_chinese_months_and_quarters() -> None:
    with use_locale("zh"):
        assert period_name("2026-12") == "2026年12月"
        assert period_name("2026-Q4") == "2026年第4季度"
    assert period_name("2026-12") == "2026-12"


def test_a_call_and_the_roll_up_are_in_chinese(deals: Chat) -> None:
    out = deals.say("alice", "/forecast submit commit:150k best:220k")
    assert "你2026年11月的预测：承诺" in out and "最佳情况" in out
    view = deals.say("alice", "/forecast")
    assert "2026年11月预测" in view
    assert "· 最佳情况 ·" in view and "· 承诺 ·" in view  # A1 proposal, A2 negotiation
    assert "加权管道金额" in view and "下次提交截止：11月23日 周一 15:00（团队时间）" in view
    team = deals.say("mia", "/forecast team")
    assert "2 人中 1 人已提交" in team and "尚未提交：bob" in team
    assert "best case" not in team and "commit " not in team


def test_the_history_is_in_chinese(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:150k")
    deals.deps.clock.now += timedelta(days=7)  # type: ignore[attr-defined]  # Nov 29
    deals.say("alice", "/forecast submit commit:120k")
    deals.say("alice", "/deal D-2 won")
    deals.deps.clock.now += timedelta(days=3)  # type: ignore[attr-defined]  # Dec 2
    out = deals.say("mia", "/forecast history team")
    assert "的预测历史*（按月" in out or "的预测历史（按月" in out
    assert "2026年11月 alice：首次预测" in out and "误差 20.0%（高估）" in out
    assert "alice 80.0%（1 个月）" in out and "（保守低报）" in out
    with pytest.raises(UsageError, match="2026年11月 已结束"):
        deals.say("alice", "/forecast submit commit:1k month:2026-11")


def test_errors_are_in_chinese_and_english_is_unchanged(deals: Chat) -> None:
    with pytest.raises(UsageError, match="最佳情况包含承诺"):
        deals.say("alice", "/forecast submit commit:200k best:100k")
    with pytest.raises(UsageError, match="below"):
        deals.say("bob", "/forecast submit commit:200k best:100k")
    assert "Forecast of bob for 2026-11" in deals.say("bob", "/forecast")


def test_the_forecast_settings_are_in_chinese(deals: Chat) -> None:
    out = deals.say("mia", "/sales config forecast proposal:commit")
    assert "已更新：商机默认分类：方案阶段为承诺。" in out
    assert "预测设置" in out and "方案 → 承诺" in out and "谈判 → 承诺" in out
    assert "East的预测承诺：周一 10:00，15:00 提醒一次（团队时间）" in out
    assert "proposal:commit" not in out
    english = deals.say("bob", "/sales config forecast")
    assert "Forecast call of East: Mon 10:00, one reminder at 15:00 (team time)" in english


def test_the_forecast_warnings_read_in_chinese(deals: Chat) -> None:
    deals.say("alice", "/forecast submit commit:150k")
    out = deals.say("mia", "/sales warnings")
    assert "alice：2026年11月的承诺为" in out and "工作日已过去 71%" in out
    assert "在预测承诺会上逐一过一遍最佳情况商机" in out


def test_the_digests_forecast_paragraph_is_in_the_teams_language() -> None:
    from decimal import Decimal

    from bot.render.forecast import forecast_digest_section
    from commands.forecast.digest import DigestForecast
    from commands.forecast.rollup import TeamForecast

    k = Decimal(1000)
    team = TeamForecast("East", 40 * k, 150 * k, 150 * k, 220 * k, 135 * k, 500 * k, None,
                        30 * k, 1, 2)
    section = DigestForecast("2026-11", "USD", team, (("alice", 30 * k),), ("bob",),
                             Decimal("0.8"), 1)
    with use_locale("zh"):
        text = forecast_digest_section(section)
    assert "*2026年11月预测*：承诺" in text and "2 人中 1 人已提交" in text
    assert "与上周相比的变化：alice +" in text and "尚未提交：bob" in text
    assert "团队预测准确率：80.0%（基于最近 1 个已结束的月）" in text
    english = forecast_digest_section(section)
    assert "Accuracy of the team's calls: 80.0% over 1 closed month" in english
    assert "*Forecast 2026-11*: commit 150,000 USD · best case 220,000 USD" in english
