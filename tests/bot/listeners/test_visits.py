"""The /visit form, in process: a visit is logged, a mistake shows next to its input."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.dispatch import Deps
from bot.listeners.visits import customer_options, submit_visit
from bot.views.visits import visit_form
from storage.models import Activity
from tests.bot.listeners.conftest import (
    CHANNEL,
    TEAM,
    FakeSlack,
    date_input,
    select_input,
    submission,
    text_input,
)
from tests.conftest import NOW, Chat


def logged(deps: Deps) -> list[str]:
    """The notes of every activity logged."""
    with deps.session_factory() as session:
        return list(session.scalars(select(Activity.notes)))


def visit(**fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"customer": {"type": "external_select",
                         "selected_option": {"value": "new:Acme Corp"}},
            "type": select_input("visit"), "on": date_input("2026-11-22"), **fields}


def test_a_visit_is_logged_and_confirmed_privately(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    body, view = submission("UALICE", visit_form(today=NOW.date(), channel_id=CHANNEL),
                            visit(notes=text_input("Met the CTO")))
    submit_visit(slack.ack, body, view, slack.client, deps)
    assert slack.methods() == ["ack", "chat.postEphemeral"]
    assert slack.of("ack") == [{}]  # the form closes
    [confirm] = slack.of("chat.postEphemeral")
    assert (confirm["channel"], confirm["user"]) == (CHANNEL, "UALICE")
    assert "Acme Corp" in confirm["text"]
    assert logged(deps) == ["Met the CTO"]


@pytest.mark.parametrize(("fields", "input_", "says"), [
    ({"deal": text_input("D-9")}, "deal", "There is no deal D-9."),
    ({"deal": text_input("nine")}, "deal", "is not a deal reference"),
    ({"on": date_input("2026-11-30")}, "on", "is in the future"),
    ({"next": text_input("x" * 501)}, "next", "The next step is 501 characters long"),
])
def test_a_mistake_is_shown_next_to_its_input_and_nothing_is_logged(
        slack: FakeSlack, team: Chat, deps: Deps, fields: dict[str, Any], input_: str,
        says: str) -> None:
    body, view = submission("UALICE", visit_form(today=NOW.date(), channel_id=CHANNEL),
                            visit(**fields))
    submit_visit(slack.ack, body, view, slack.client, deps)
    [answer] = slack.of("ack")
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [input_] and says in answer["errors"][input_]
    assert slack.methods() == ["ack"]  # no confirmation: nothing was logged
    assert logged(deps) == []


def test_customers_are_suggested_as_the_user_types(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", '/visit "Acme Corp" Met the CTO')
    body = {"type": "block_suggestion", "team": {"id": TEAM}, "user": {"id": "UALICE"},
            "value": "acm"}
    customer_options(slack.ack, body, deps)
    [answer] = slack.of("ack")
    assert [o["value"] for o in answer["options"]] == ["Acme Corp", "new:acm"]
