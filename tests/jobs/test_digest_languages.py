"""The weekly digest job writes to each manager in their own language: the digest, and the
chart's title and labels."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.dispatch import Deps
from bot.render import render
from commands.core.i18n import current_locale
from jobs.digest import DigestPost, DigestSource
from jobs.notify import FileUpload
from jobs.ticker import Ticker
from storage.models import Member
from tests.conftest import Chat
from tests.jobs.recording import RecordingNotifier, set_timezone, utc


class RenderingNotifier(RecordingNotifier):
    """Renders each message as the Slack notifier does, in the language it is sent in."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[tuple[str, str]] = []  # language, what the reader sees

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        seen = message.title if isinstance(message, FileUpload) else render(message).text
        self.shown.append((current_locale(), seen))
        return super().send(to, message, thread_ts)


@pytest.fixture
def ticker(deps: Deps) -> tuple[Ticker, RenderingNotifier]:
    notifier = RenderingNotifier()
    return Ticker(deps.session_factory, notifier, [DigestSource()]), notifier


def _choose(team: Chat, user_id: str, language: str | None, slack_locale: str | None) -> None:
    set_timezone(team.deps.session_factory, user_id, "Asia/Shanghai")
    with team.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == user_id)
                        .values(language=language, slack_locale=slack_locale))


def test_a_manager_who_reads_chinese_gets_the_digest_and_chart_in_chinese(
        team: Chat, ticker: tuple[Ticker, RenderingNotifier]) -> None:
    tick, notifier = ticker
    team.say("mia", "/target set team revenue 300k month:2026-11")
    _choose(team, "UMIA", None, "zh-CN")  # no choice of their own: their Slack locale
    assert len(tick.tick(utc(2026, 11, 23, 1, 0)).sent) == 1  # 09:00 in Shanghai
    [(digest_lang, digest), (chart_lang, chart_title)] = notifier.shown
    assert digest_lang == chart_lang == "zh"
    assert digest.startswith("*复盘周报：East，11月16日 – 11月22日*")
    assert "本周重点" in digest
    assert chart_title == "East：计划与实际，2026年11月"
    [post] = notifier.of(DigestPost)
    assert post.to == "DUMIA"  # still mia's DM


def test_a_manager_who_chose_english_keeps_it(
        team: Chat, ticker: tuple[Ticker, RenderingNotifier]) -> None:
    tick, notifier = ticker
    team.say("mia", "/target set team revenue 300k month:2026-11")
    _choose(team, "UMIA", "en", "zh-CN")  # their choice wins over their Slack locale
    tick.tick(utc(2026, 11, 23, 1, 0))
    [(_, digest), (_, chart_title)] = notifier.shown
    assert digest.startswith("*Weekly review: East, 16 Nov – 22 Nov*")
    assert chart_title == "East: plan vs actual, 2026-11"
