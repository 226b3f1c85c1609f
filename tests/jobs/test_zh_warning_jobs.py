"""A team channel hears its 异常预警 in the team's language: a Chinese team's check is posted
in Chinese, an English team's stays English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import ActionsBlock, ButtonElement
from sqlalchemy import select, update

from bot.dispatch import Deps
from bot.render import render
from bot.render.base import Reply
from commands.core.i18n import current_locale
from jobs.ticker import Ticker
from jobs.warnings import WarningSource
from storage.models import Team, WarningState
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, past_first_check, utc

MON_10 = utc(2026, 11, 23, 2)  # Monday 10:00 in Shanghai


class RenderingNotifier(RecordingNotifier):
    """Renders each message as the Slack notifier would, in the language it is sent in."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[tuple[str, Reply]] = []  # (language, what Slack shows)

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        self.shown.append((current_locale(), render(message)))
        return super().send(to, message, thread_ts)


@pytest.fixture
def notifier() -> RenderingNotifier:
    return RenderingNotifier()


@pytest.fixture
def ticker(deps: Deps, notifier: RenderingNotifier) -> Ticker:
    return Ticker(deps.session_factory, notifier, [WarningSource()])


def behind(team: Chat, clock: Clock, language: str | None) -> Chat:
    """East, half of its 300k November target won on the 23rd, speaking `language`."""
    now = clock.now
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = now
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:150k')
    team.say("bob", "/deal D-1 won")
    team.say("alice", '/deal new "Quiet deal" customer:"Acme" amount:20k')
    with team.deps.session_factory.begin() as session:
        session.execute(update(Team).values(language=language))
    past_first_check(team.deps.session_factory)
    return team


def stored_messages(chat: Chat) -> dict[str, str]:
    with chat.deps.session_factory() as session:
        return {s.key: s.message for s in session.scalars(select(WarningState))}


def test_a_chinese_team_hears_its_warnings_in_chinese(
        team: Chat, clock: Clock, ticker: Ticker, notifier: RenderingNotifier) -> None:
    behind(team, clock, "zh")
    ticker.tick(MON_10)
    [(lang, reply)] = notifier.shown
    assert lang == "zh"
    text = reply.text
    assert text.startswith(":rotating_light: *East*：") and "条异常预警待处理" in text
    assert ":red_circle: *进度落后*（紧急） · 新" in text
    assert "East：11月目标已完成50%，而工作日已过去71%；每个工作日需成交25,000 USD" in text
    assert "*建议：* 在剩余的6个工作日里，每个工作日成交25,000 USD" in text
    assert "Behind pace" not in text and "working day" not in text
    buttons = {e.text.text for b in reply.blocks if isinstance(b, ActionsBlock)
               for e in b.elements if isinstance(e, ButtonElement) and e.text is not None}
    assert buttons == {"暂缓 1 天", "暂缓 1 周", "确认", "创建改进行动"}
    footer = reply.blocks[-1].to_dict()["elements"][0]["text"]
    assert footer.startswith("暂缓：预警在 1 天或 1 周内不再发布")
    # what the team was told is kept as it was said, in Chinese
    assert any(m.startswith("East：11月目标") for m in stored_messages(team).values())


def test_an_english_team_hears_its_warnings_in_english(
        team: Chat, clock: Clock, ticker: Ticker, notifier: RenderingNotifier) -> None:
    behind(team, clock, "en")
    ticker.tick(MON_10)
    [(lang, reply)] = notifier.shown
    assert lang == "en"
    text = reply.text
    assert ":rotating_light: *East*:" in text and "*Behind pace*" in text
    assert "East: 50% of November's target with 71% of working days gone" in text
    assert "*Fix:* Close 25,000 USD per working day" in text
    assert "进度" not in text


def test_a_chinese_teams_first_post_is_a_calm_summary_in_chinese(
        team: Chat, clock: Clock, ticker: Ticker, notifier: RenderingNotifier) -> None:
    clock.now = utc(2026, 11, 10, 2)
    team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    with team.deps.session_factory.begin() as session:
        session.execute(update(Team).values(language="zh"))
    ticker.tick(MON_10)
    [(lang, reply)] = notifier.shown
    assert lang == "zh"
    assert reply.text.startswith("*East*：salesbot 从现在起每个工作日检查两次计划。首次检查发现")
    assert "\n• 进度落后：3（alice、bob、East）\n" in reply.text
    assert "`/sales 预警` 会逐条列出每条预警" in reply.text
    assert ":red_circle:" not in reply.text and "紧急" not in reply.text
