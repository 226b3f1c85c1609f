"""The deal card's buttons, in process: the deal changes and the card is drawn again."""

from __future__ import annotations

import pytest

from bot.dispatch import Caller, Deps, execute
from bot.listeners.deals import advance, edit, forecast, lost, submit_edit, won
from commands.core.errors import PermissionDenied, UsageError
from tests.bot.listeners.conftest import (
    CHANNEL,
    TEAM,
    FakeSlack,
    button,
    select_input,
    submission,
    text_input,
    texts,
)
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


def caller(user: str) -> Caller:
    return Caller(team_id=TEAM, user_id=user, channel_id=CHANNEL)


def pick_forecast(slack: FakeSlack, deps: Deps, user: str, value: str,
                  trigger: str = "5.click") -> None:
    body, action = button(user, "deal_forecast", "", trigger=trigger)
    action.update(type="static_select", selected_option={"value": value})
    del action["value"]
    forecast(slack.ack, body, action, slack.respond, deps)


def test_the_card_shows_the_forecast_category_and_a_picker(acme: Chat, deps: Deps) -> None:
    reply = execute(deps, caller("UALICE"), "/deal", "D-1")
    assert reply is not None and "Forecast: pipeline (the stage's default)" in reply.text
    [picker] = [b["accessory"] for b in (x.to_dict() for x in reply.blocks)
                if b.get("block_id") == "deal_forecast"]
    assert picker["action_id"] == "deal_forecast"
    assert picker["initial_option"]["value"] == "1:auto"
    assert [o["value"] for o in picker["options"]] == [
        "1:auto", "1:pipeline", "1:best_case", "1:commit", "1:omitted"]


def test_picking_a_category_on_the_card_sets_it_and_redraws_the_card(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    pick_forecast(slack, deps, "UALICE", "1:commit")
    assert slack.methods() == ["ack", "respond", "respond"]
    card, reply = slack.of("respond")
    assert card["replace_original"] is True and "Forecast: commit" in card["text"]
    assert "(the stage's default)" not in card["text"]
    assert "forecast pipeline → commit" in texts(reply)
    assert "forecast pipeline → commit" in acme.say("alice", "/deal D-1")
    pick_forecast(slack, deps, "UALICE", "1:auto", trigger="6.click")
    assert "Forecast: pipeline (the stage's default)" in acme.say("alice", "/deal D-1")


def test_only_who_may_edit_the_deal_changes_its_category(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    with pytest.raises(PermissionDenied):
        pick_forecast(slack, deps, "UBOB", "1:commit")
    assert "Forecast: pipeline (the stage's default)" in acme.say("alice", "/deal D-1")
    with pytest.raises(UsageError):  # a value salesbot did not write
        pick_forecast(slack, deps, "UALICE", "1:closed", trigger="8.click")


def test_the_edit_form_sets_the_category_with_the_other_fields(
        slack: FakeSlack, acme: Chat, deps: Deps) -> None:
    body, action = button("UALICE", "deal_edit", "1")
    edit(slack.ack, body, action, slack.client, deps)
    [opened] = slack.of("views.open")
    form = opened["view"]
    [block] = [b for b in form.to_dict()["blocks"] if b["block_id"] == "forecast"]
    assert block["element"]["initial_option"]["value"] == "auto"
    body, view = submission("UALICE", form, {
        "name": text_input("Acme renewal"), "stage": select_input("lead"),
        "amount": text_input("40000"), "currency": text_input("USD"),
        "forecast": select_input("best_case")})
    submit_edit(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    assert "Forecast: best case" in acme.say("alice", "/deal D-1")
