"""The deal card's buttons, in process: the deal changes and the card is drawn again."""

from __future__ import annotations

import pytest

from bot.dispatch import Deps
from bot.listeners.deals import advance, lost, won
from commands.core.errors import PermissionDenied
from tests.bot.listeners.conftest import FakeSlack, button, texts
from tests.conftest import Chat


@pytest.fixture
def acme(team: Chat) -> Chat:
    """alice's deal D-1, Acme renewal, 40k in the lead stage."""
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k')
    return team


def press_advance(slack: FakeSlack, deps: Deps, value: str, trigger: str) -> None:
    body, action = button("UALICE", "deal_advance", value, trigger=trigger)
    advance(slack.ack, body, action, slack.respond, deps)


def test_won_closes_the_deal_and_redraws_its_card(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    body, action = button("UALICE", "deal_won", "1")
    won(slack.ack, body, action, slack.respond, deps)
    assert slack.methods() == ["ack", "respond", "respond"]
    card, reply = slack.of("respond")
    assert card["replace_original"] is True and "40,000 USD · won (100%)" in card["text"]
    assert reply["replace_original"] is False and "D-1" in texts(reply)
    assert "stage lead → won" in acme.say("alice", "/deal D-1")


def test_advance_moves_the_deal_to_the_stage_on_the_button(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    press_advance(slack, deps, "1:qualified", "1.click")
    [card] = slack.of("respond")
    assert card["replace_original"] is True and "stage lead → qualified" in card["text"]
    assert "stage lead → qualified" in acme.say("alice", "/deal D-1")


def test_a_click_delivered_twice_changes_the_deal_once(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    press_advance(slack, deps, "1:qualified", "7.click")
    press_advance(slack, deps, "1:proposal", "7.click")  # the same click, delivered again
    shown = acme.say("alice", "/deal D-1")
    assert "stage lead → qualified" in shown and "proposal" not in shown


def test_lost_opens_the_reason_form_only_for_who_may_change_the_deal(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    body, action = button("UALICE", "deal_lost", "1")
    lost(slack.ack, body, action, slack.client, deps)
    [opened] = slack.of("views.open")
    assert opened["view"].callback_id == "deal_lost_form"
    body, action = button("UBOB", "deal_lost", "1", trigger="2.click")
    with pytest.raises(PermissionDenied):  # the one error path tells bob why
        lost(slack.ack, body, action, slack.client, deps)
    assert len(slack.of("views.open")) == 1
