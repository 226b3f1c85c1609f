"""The App Home tab, in process."""

from __future__ import annotations

import json

from bot.dispatch import Deps
from bot.listeners.home import home_opened, refresh
from tests.bot.listeners.conftest import TEAM, FakeSlack, button
from tests.conftest import Chat


def test_opening_home_publishes_the_users_own_tab(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k')
    home_opened({"team_id": TEAM}, {"type": "app_home_opened", "user": "UALICE",
                                    "tab": "home"}, slack.client, deps)
    [published] = slack.of("views.publish")
    assert published["user_id"] == "UALICE"
    view = published["view"].to_dict()
    assert view["type"] == "home" and "Acme renewal" in json.dumps(view["blocks"])


def test_the_messages_tab_publishes_nothing(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    home_opened({"team_id": TEAM}, {"type": "app_home_opened", "user": "UALICE",
                                    "tab": "messages"}, slack.client, deps)
    assert slack.calls == []


def test_refresh_draws_the_tab_again(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    body, _ = button("UALICE", "home_refresh", "")
    refresh(slack.ack, body, slack.client, deps)
    assert slack.methods() == ["ack", "views.publish"]
