"""Choosing languages: `/sales lang` for yourself, `/sales team … lang:` for a team's channel."""

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.dispatch import Deps
from commands.core.actors import Profile
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import set_default_locale
from storage.models import Member, Team
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat


class SlackLocales:
    """A directory where everyone's Slack is set to the locale given for them."""

    def __init__(self, locales: dict[str, str]) -> None:
        self.locales = locales

    def lookup(self, user_id: str) -> Profile | None:
        return Profile(user_id.removeprefix("U").lower(), None, self.locales.get(user_id))


@pytest.fixture
def zh_default() -> Iterator[None]:
    set_default_locale("zh")
    yield
    set_default_locale("en")


def stored_language(chat: Chat, user: str) -> str | None:
    with chat.deps.session_factory() as session:
        member = session.scalars(select(Member).where(Member.slack_user_id == user)).one()
        return member.language


def test_choosing_chinese_answers_you_in_chinese_from_then_on(team: Chat) -> None:
    assert team.say("alice", "/sales lang zh") == "你的语言现在是中文（你的选择）。"
    assert stored_language(team, "UALICE") == "zh"
    out = team.say("alice", "/sales team")
    assert "团队 East · #C0EAST" in out and "经理：@mia" in out
    assert "Managers: @mia" in team.say("bob", "/sales team")  # bob chose nothing


def test_chinese_names_of_the_languages_work_too(team: Chat) -> None:
    assert "中文（你的选择）" in team.say("alice", "/sales lang 中文")
    assert team.say("alice", "/sales lang 英文") == "Your language is now English (your choice)."
    assert "Managers: @mia" in team.say("alice", "/sales team")


def test_sales_lang_alone_says_which_language_and_where_it_comes_from(team: Chat) -> None:
    out = team.say("alice", "/sales lang")
    assert out.startswith("Language: English (the workspace default).")
    assert "`/sales lang zh`" in out
    team.say("alice", "/sales lang zh")
    assert team.say("alice", "/sales lang").startswith("语言：中文（你的选择）。")


def test_auto_follows_your_slack_locale(deps: Deps) -> None:
    deps.directory = SlackLocales({"UALICE": "zh-CN"})
    chat = Chat(deps)
    chat.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    # met for the first time, alice is answered in her Slack's language straight away
    assert chat.say("alice", "/sales lang").startswith("语言：中文（你的 Slack 语言设置 zh-CN）。")
    chat.say("alice", "/sales lang en")
    assert "Managers:" in chat.say("alice", "/sales team")
    assert chat.say("alice", "/sales lang auto") == \
        "你的语言现在是中文（你的 Slack 语言设置 zh-CN）。"
    assert stored_language(chat, "UALICE") is None
    assert "经理：" in chat.say("alice", "/sales team")


def test_auto_without_a_slack_locale_is_the_workspace_default(team: Chat) -> None:
    team.say("alice", "/sales lang zh")
    assert team.say("alice", "/sales lang 自动") == \
        "Your language is now English (the workspace default)."


def test_the_default_language_can_be_chinese(team: Chat, zh_default: None) -> None:
    assert team.say("bob", "/sales lang").startswith("语言：中文（工作区默认）。")
    assert "经理：@mia" in team.say("bob", "/sales team")
    assert team.say("bob", "/sales lang en") == "Your language is now English (your choice)."
    assert "Managers: @mia" in team.say("bob", "/sales team")


def test_an_unknown_language_is_refused_with_a_suggestion(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(UsageError, match="Did you mean `chinese`"):
        team.say("alice", "/sales lang chines")
    with pytest.raises(UsageError, match=r"`/sales lang fr` is not a language\. Choose zh"):
        team.say("alice", "/sales lang fr")


def test_a_typo_in_the_verb_suggests_lang(team: Chat) -> None:
    with pytest.raises(UsageError, match="Did you mean `/sales lang`"):
        team.say("alice", "/sales lnag zh")


def test_a_chinese_reader_gets_errors_in_chinese(team: Chat) -> None:
    team.say("alice", "/sales lang zh")
    with pytest.raises(UsageError, match="没有名为“West”的团队"):
        team.say("alice", '/sales team show team:"West"')


def team_language(chat: Chat) -> str | None:
    with chat.deps.session_factory() as session:
        return session.scalars(select(Team.language)).one()


def test_a_manager_sets_the_team_channels_language(team: Chat) -> None:
    out = team.say("mia", "/sales team East lang:zh")
    assert "East's channel now gets its stand-up summaries, warnings and digests in 中文." in out
    assert team_language(team) == "zh"
    assert "Language: 中文" in team.say("alice", "/sales team")
    assert "Language: 中文" in team.say("alice", "/sales config")
    # the reply to each person stays in their own language
    team.say("alice", "/sales lang zh")
    assert "语言：中文" in team.say("alice", "/sales config")


def test_a_quoted_team_name_and_the_channels_team_work_too(team: Chat) -> None:
    team.say("mia", '/sales team "East" lang:中文')
    assert team_language(team) == "zh"
    out = team.say("mia", "/sales team lang:auto")
    assert "in the workspace default language (English)" in out
    assert team_language(team) is None
    assert "Language: English (the workspace default)" in team.say("mia", "/sales config")
    assert "Language:" not in team.say("mia", "/sales team")  # the default needs no line


def test_a_rep_cannot_set_the_teams_language(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(PermissionDenied, match="manager of East"):
        team.say("alice", "/sales team East lang:zh")
    assert team_language(team) is None


def test_a_bad_team_language_is_refused(team: Chat) -> None:
    with pytest.raises(UsageError, match="`lang:klingon` is not a language"):
        team.say("mia", "/sales team East lang:klingon")
    with pytest.raises(UsageError, match="Did you mean `lang:`"):
        team.say("mia", "/sales team East lan:zh")


def test_a_team_can_be_created_with_its_language(chat: Chat) -> None:
    out = chat.say("mia", '/sales team create "East" tz:Asia/Shanghai lang:zh')
    assert "Created team East in this channel" in out and "Language: 中文" in out
    assert team_language(chat) == "zh"
