"""Slash commands, in process: the reply rides on the acknowledgement."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot.dispatch import Deps
from bot.listeners.commands import handle_command
from tests.bot.listeners.conftest import FakeSlack, command, texts
from tests.conftest import Chat


def test_a_command_is_answered_in_its_acknowledgement(
        slack: FakeSlack, team: Chat, deps: Deps, here: ThreadPoolExecutor) -> None:
    handle_command(slack.ack, command("UALICE", "deal", 'new "Acme renewal" '
                                      'customer:"Acme" amount:40k'),
                   slack.respond, slack.client, deps, None, here)
    [answer] = slack.of("ack")
    assert answer["response_type"] == "ephemeral"
    assert "D-1" in texts(answer) and "Acme renewal" in texts(answer)
    assert slack.methods() == ["ack"]  # nothing posted besides
    assert "Acme renewal" in team.say("alice", "/deal D-1")


def test_a_mistake_is_answered_privately_and_nothing_is_written(
        slack: FakeSlack, team: Chat, deps: Deps, here: ThreadPoolExecutor) -> None:
    handle_command(slack.ack, command("UALICE", "deal", "D-7 won"), slack.respond,
                   slack.client, deps, None, here)
    [answer] = slack.of("ack")
    assert "There is no deal D-7" in texts(answer)
    assert answer["response_type"] == "ephemeral"


def test_visit_without_text_opens_the_form(
        slack: FakeSlack, team: Chat, deps: Deps, here: ThreadPoolExecutor) -> None:
    handle_command(slack.ack, command("UALICE", "visit", ""), slack.respond, slack.client,
                   deps, None, here)
    assert slack.methods() == ["ack", "views.open"]
    [opened] = slack.of("views.open")
    assert opened["view"].callback_id == "visit_form"
    assert opened["trigger_id"] == "1.cmd"
