"""Someone salesbot met before it knew languages is asked Slack for theirs on their next
request, and answered in it from then on."""

from __future__ import annotations

from sqlalchemy import select

from bot.dispatch import Deps
from commands.core.actors import Profile
from storage.models import Member
from tests.conftest import Chat


class Directory:
    """Slack as a directory: everyone's locale, and how often salesbot asked."""

    def __init__(self, locale: str | None) -> None:
        self.locale = locale
        self.asked = 0

    def lookup(self, user_id: str) -> Profile | None:
        self.asked += 1
        return Profile("alice", None, self.locale)


def forget_locale(deps: Deps) -> None:
    """alice as a database from before languages has her: no Slack locale known."""
    with deps.session_factory.begin() as session:
        for member in session.scalars(select(Member)):
            member.slack_locale = None


def test_a_member_met_before_languages_is_answered_in_her_slack_language(deps: Deps) -> None:
    chat = Chat(deps)
    chat.say("alice", '/sales team create "East" tz:Asia/Shanghai')
    forget_locale(deps)
    deps.directory = Directory("zh-CN")
    assert "团队 East" in chat.say("alice", "/sales team")
    with deps.session_factory() as session:
        alice = session.scalars(select(Member).where(Member.slack_user_id == "UALICE")).one()
        assert alice.slack_locale == "zh-CN"


def test_a_chosen_language_is_not_second_guessed_by_slack(deps: Deps) -> None:
    chat = Chat(deps)
    chat.say("alice", '/sales team create "East" tz:Asia/Shanghai')
    chat.say("alice", "/sales lang en")
    forget_locale(deps)
    deps.directory = directory = Directory("zh-CN")
    assert "Managers:" in chat.say("alice", "/sales team")
    assert directory.asked == 0
