"""Joining a team's channel: the welcome is in the language of whoever joined."""

from __future__ import annotations

from bot.dispatch import Deps
from bot.listeners.channels import member_joined
from tests.bot.listeners.conftest import CHANNEL, TEAM, FakeSlack
from tests.conftest import Chat


def joined(slack: FakeSlack, deps: Deps, n: int, inviter: str | None) -> str:
    event = {"type": "member_joined_channel", "user": "UNIA", "channel": CHANNEL}
    if inviter is not None:
        event["inviter"] = inviter
    member_joined({"team_id": TEAM, "event_id": f"Ev{n}"}, event, slack.client, deps)
    return str(slack.of("chat.postEphemeral")[-1]["text"])


def test_a_chinese_reader_is_welcomed_in_chinese(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("nia", "/sales lang zh", channel="DNIA")
    assert joined(slack, deps, 1, None) == (
        "这是 East 的频道。要加入 East，请让 @mia 添加你：`/sales 团队 添加 @nia`。")
    assert joined(slack, deps, 2, "UMIA").startswith("欢迎加入 East！")


def test_others_are_welcomed_in_english(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", "/sales lang zh")
    assert joined(slack, deps, 1, "UMIA").startswith("Welcome to East! You are now one of")
