"""The stand-up in each reader's language: a team channel's summary in the team's, a DM
prompt in its reader's own, whatever language the others chose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.dispatch import Deps
from bot.render import render
from commands.core.i18n import current_locale
from jobs.standup import StandupAnswerPost, StandupPrompt, StandupSummaryPost
from jobs.ticker import Ticker
from storage.models import Member, Team
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, make_ticker, utc

PROMPT_AT = utc(2026, 11, 23, 1, 30)  # Monday 09:30 in Shanghai
SUMMARY_AT = PROMPT_AT + timedelta(hours=2)


class RenderingNotifier(RecordingNotifier):
    """Records, with each post, the text a reader sees: rendered as the real notifier
    renders it, in the language current when it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[tuple[object, str]] = []

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        reply = render(message)
        self.texts.append((message, f"{reply.text}\n{reply.plain()}"))
        assert current_locale() in ("en", "zh")
        return super().send(to, message, thread_ts)

    def text_of(self, cls: type, name: str | None = None) -> list[str]:
        return [text for message, text in self.texts if isinstance(message, cls)
                and (name is None or message.person.name == name)]  # type: ignore[attr-defined]


@pytest.fixture
def notifier() -> RenderingNotifier:
    return RenderingNotifier()


@pytest.fixture
def ticker(deps: Deps, notifier: RenderingNotifier) -> Ticker:
    return make_ticker(deps, notifier)


@pytest.fixture
def standup(team: Chat) -> Chat:
    """Team East (Asia/Shanghai: mia manages, alice and bob) with a 09:30 weekday stand-up."""
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    return team


def team_speaks(factory: sessionmaker[Session], language: str | None) -> None:
    with factory.begin() as session:
        session.execute(update(Team).values(language=language))


def member_speaks(factory: sessionmaker[Session], user: str, language: str | None) -> None:
    with factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == f"U{user.upper()}")
                        .values(language=language))


def answer_and_summarize(standup: Chat, ticker: Ticker, clock: Clock) -> None:
    ticker.tick(PROMPT_AT)
    clock.now = PROMPT_AT + timedelta(minutes=5)
    standup.say("alice", '/standup answer yesterday:"met Acme" today:"demo" '
                         'blockers:"waiting for legal"')
    ticker.tick(SUMMARY_AT)


def test_a_chinese_team_gets_its_summary_in_chinese(
        standup: Chat, ticker: Ticker, notifier: RenderingNotifier, clock: Clock) -> None:
    team_speaks(standup.deps.session_factory, "zh")
    answer_and_summarize(standup, ticker, clock)
    [summary] = notifier.text_of(StandupSummaryPost)
    assert "East晨会 · 11月23日 周一" in summary
    assert "已回答 1/3" in summary and "未回答：" in summary
    assert "阻碍" in summary and "waiting for legal" in summary
    assert "回答在话题中" in summary
    assert "Answered" not in summary and "Blockers" not in summary
    [answer] = notifier.text_of(StandupAnswerPost)
    assert "昨天" in answer and "今天" in answer and "Yesterday" not in answer


def test_an_english_team_keeps_its_summary_in_english(
        standup: Chat, ticker: Ticker, notifier: RenderingNotifier, clock: Clock) -> None:
    team_speaks(standup.deps.session_factory, "en")
    member_speaks(standup.deps.session_factory, "alice", "zh")  # hers is not the channel's
    answer_and_summarize(standup, ticker, clock)
    [summary] = notifier.text_of(StandupSummaryPost)
    assert "East stand-up · Mon 23 Nov" in summary and "Answered 1/3" in summary
    assert "晨会" not in summary
    [answer] = notifier.text_of(StandupAnswerPost)
    assert "Yesterday" in answer and "昨天" not in answer


def test_a_chinese_member_gets_the_prompt_in_chinese_the_others_in_english(
        standup: Chat, ticker: Ticker, notifier: RenderingNotifier) -> None:
    member_speaks(standup.deps.session_factory, "alice", "zh")
    ticker.tick(PROMPT_AT)
    [alice] = notifier.text_of(StandupPrompt, "alice")
    assert "East* 晨会时间到了（11月23日 周一）" in alice and "前回答：昨天、今天、阻碍" in alice
    assert "Time for" not in alice
    [bob] = notifier.text_of(StandupPrompt, "bob")
    assert "Time for the *East* stand-up (Mon 23 Nov)" in bob and "晨会" not in bob


def test_a_chinese_member_is_reminded_in_chinese(
        standup: Chat, ticker: Ticker, notifier: RenderingNotifier) -> None:
    member_speaks(standup.deps.session_factory, "alice", "zh")
    ticker.tick(PROMPT_AT)
    ticker.tick(PROMPT_AT + timedelta(minutes=30))
    [_, reminder] = notifier.text_of(StandupPrompt, "alice")
    assert "提醒：*East* 11月23日 周一的晨会将在" in reminder
    assert "Reminder" not in reminder
