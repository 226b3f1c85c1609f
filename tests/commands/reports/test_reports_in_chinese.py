"""/sales report, the leaderboard and the weekly review (复盘) in the reader's language."""

from __future__ import annotations

from sqlalchemy import update

from commands.core.i18n import use_locale
from storage.models import Member
from tests.commands.reports.test_digest import _digest, week  # noqa: F401 - the fixture
from tests.commands.reports.test_report import month  # noqa: F401 - the fixture
from tests.conftest import Chat


def speaks_chinese(chat: Chat, user: str) -> None:
    """`user` chose 简体中文 (as `/sales lang zh` records it)."""
    with chat.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == f"U{user.upper()}")
                        .values(language="zh"))


def test_a_scorecard_in_chinese(month: Chat) -> None:  # noqa: F811
    speaks_chinese(month, "alice")
    out = month.say("alice", "/sales report")
    assert "alice的记分卡，2026年11月（已过 15/21 个工作日）" in out
    assert "• 收入：" in out and "每个工作日需" in out
    assert "赢单率（近 180 天）" in out
    assert "线索 " in out and "推进" in out  # the funnel's stages in Chinese
    assert "停滞商机：无" in out
    assert "Scorecard" not in out and "Stale" not in out
    # mia, who chose nothing, still reads English
    assert "Scorecard of East, 2026-11" in month.say("mia", "/sales report month team")


def test_the_leaderboard_in_chinese(month: Chat) -> None:  # noqa: F811
    speaks_chinese(month, "mia")
    out = month.say("mia", "/sales leaderboard")
    assert "East排行榜：收入，2026年11月（按达成率排名）" in out
    assert "1. alice — 120,000 USD (目标 150,000 USD 的 80%)" in out


def test_the_weekly_review_in_chinese(week: Chat) -> None:  # noqa: F811
    speaks_chinese(week, "mia")
    out = week.say("mia", "/sales digest")
    assert out.startswith("复盘周报：East，11月16日 – 11月22日")
    for heading in ("2026年11月 目标", "销售漏斗", "本周赢单", "本周输单", "输单原因", "推迟",
                    "未按节奏拜访的客户", "改进行动", "本周重点"):
        assert heading in out, heading
    assert "D-1 Acme renewal" in out  # names and refs stay as they are
    assert "Weekly review" not in out and "Focus this week" not in out


def test_the_weekly_review_in_english_is_unchanged(week: Chat) -> None:  # noqa: F811
    from bot.render.reports import render_digest

    digest = _digest(week)
    with use_locale("en"):
        text = render_digest(digest).text
    assert text.startswith("*Weekly review: East, 16 Nov – 22 Nov*")
    assert "*Focus this week*" in text
