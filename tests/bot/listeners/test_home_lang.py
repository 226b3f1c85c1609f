"""The App Home tab in the language of the person it is drawn for."""

from __future__ import annotations

import json

from bot.dispatch import Deps
from bot.listeners.home import home_opened, refresh
from tests.bot.listeners.conftest import TEAM, FakeSlack, button
from tests.conftest import Chat


def opened(slack: FakeSlack, deps: Deps, user: str) -> str:
    home_opened({"team_id": TEAM}, {"type": "app_home_opened", "user": user, "tab": "home"},
                slack.client, deps)
    return json.dumps(slack.of("views.publish")[-1]["view"].to_dict(), ensure_ascii=False)


def test_a_chinese_reader_sees_the_home_tab_in_chinese(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", "/sales lang zh")
    view = opened(slack, deps, "UALICE")
    assert "你好，alice" in view and "团队 East" in view
    assert '"记录拜访"' in view and '"刷新"' in view
    assert "所有命令及其选项：`/sales 帮助`。" in view
    assert "Hi alice" not in view and "Log a visit" not in view


def test_others_still_see_english(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", "/sales lang zh")
    view = opened(slack, deps, "UBOB")
    assert "Hi bob" in view and '"Log a visit"' in view and "你好" not in view


def test_refresh_draws_it_in_their_language_too(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", "/sales lang zh")
    body, _ = button("UALICE", "home_refresh", "")
    refresh(slack.ack, body, slack.client, deps)
    [published] = slack.of("views.publish")
    assert "你好，alice" in json.dumps(published["view"].to_dict(), ensure_ascii=False)


def test_someone_without_a_team_is_told_how_to_join_in_chinese(
        slack: FakeSlack, chat: Chat, deps: Deps) -> None:
    chat.say("zoe", "/sales lang zh")
    view = opened(slack, deps, "UZOE")
    assert "还不在任何团队：请让你的经理用 `/sales team add @you` 添加你" in view
