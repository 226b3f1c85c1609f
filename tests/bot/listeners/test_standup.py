"""The stand-up prompt's buttons and forms, in process."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.dispatch import Deps
from bot.listeners.standup import answer, skip, submit_answer
from storage.models import StandupAnswer
from tests.bot.listeners.conftest import FakeSlack, button, submission, text_input
from tests.conftest import Chat

DAY = "2026-11-23"


def answers(deps: Deps) -> list[tuple[str, str]]:
    with deps.session_factory() as session:
        return [(row.day.isoformat(), row.today)
                for row in session.scalars(select(StandupAnswer))]


@pytest.fixture
def answer_form(slack: FakeSlack, team: Chat, deps: Deps) -> View:
    """East has a stand-up; alice pressed Answer on Monday's prompt: the form it opened."""
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    body, action = button("UALICE", "standup_answer", DAY)
    answer(slack.ack, body, action, slack.client, deps)
    [opened] = slack.of("views.open")
    return opened["view"]


def test_answer_opens_the_form_and_submitting_it_answers(
        slack: FakeSlack, answer_form: View, deps: Deps) -> None:
    form = answer_form
    assert form.callback_id == "standup_answer_form"
    assert json.loads(form.private_metadata)["day"] == DAY
    body, view = submission("UALICE", form, {"yesterday": text_input("Met Acme's CTO"),
                                             "today": text_input("Send the quote"),
                                             "blockers": text_input("")}, view_id="V2")
    submit_answer(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    [confirm] = slack.of("chat.postEphemeral")
    assert "Your stand-up for Mon 23 Nov is in" in confirm["text"]
    assert answers(deps) == [(DAY, "Send the quote")]


def test_a_too_long_answer_is_shown_under_its_input(
        slack: FakeSlack, answer_form: View, deps: Deps) -> None:
    body, view = submission("UALICE", answer_form, {
        "yesterday": text_input("x" * 3001), "today": text_input("Send the quote"),
        "blockers": text_input("")})
    submit_answer(slack.ack, body, view, slack.client, deps)
    errors = slack.of("ack")[-1]["errors"]
    assert list(errors) == ["yesterday"] and "3,001 characters long" in errors["yesterday"]
    assert answers(deps) == []


def test_skip_replaces_the_prompt_with_the_confirmation(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    body, action = button("UALICE", "standup_skip", DAY)
    skip(slack.ack, body, action, slack.respond, slack.client, deps)
    [reply] = slack.of("respond")
    assert reply["replace_original"] is True
    assert "Skipped the stand-up of Mon 23 Nov" in reply["text"]
