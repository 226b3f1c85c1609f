"""The forecast DM's Submit button and its form, in process: the call is kept, a mistake
shows next to its input."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.dispatch import Deps
from bot.listeners.forecast import open_forecast_form, prefill, submit_forecast
from storage.models import ForecastCall
from tests.bot.listeners.conftest import FakeSlack, button, select_input, submission, text_input
from tests.conftest import Chat


def calls(deps: Deps) -> list[tuple[str, int, int | None, str]]:
    with deps.session_factory() as session:
        return [(c.period_kind, c.commit_minor, c.best_minor, c.note)
                for c in session.scalars(select(ForecastCall))]


@pytest.fixture
def form(slack: FakeSlack, team: Chat, deps: Deps) -> View:
    """alice pressed Submit on her forecast DM: the form it opened."""
    body, action = button("UALICE", "forecast_open", "100000|220000")
    open_forecast_form(slack.ack, body, action, slack.client, deps)
    [opened] = slack.of("views.open")
    return opened["view"]


def state(**fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"period": select_input("month"), "commit": text_input("100000"),
            "best": text_input("220000"), "note": text_input(""), **fields}


def test_the_form_opens_prefilled_and_submitting_it_keeps_the_call(
        slack: FakeSlack, form: View, deps: Deps) -> None:
    assert form.callback_id == "forecast_form"
    shown = form.to_dict()["blocks"]
    assert [b["element"].get("initial_value") for b in shown[1:3]] == ["100000", "220000"]
    body, view = submission("UALICE", form, state(commit=text_input("150k"),
                                                  note=text_input("A2 signs")))
    submit_forecast(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    [confirm] = slack.of("chat.postMessage")
    assert "Your call for 2026-11: commit 150,000" in confirm["text"]
    assert calls(deps) == [("month", 15_000_000, 22_000_000, "A2 signs")]


@pytest.mark.parametrize(("fields", "input_", "says"), [
    ({"commit": text_input("")}, "commit", "Give the commit figure"),
    ({"commit": text_input("lots")}, "commit", "is not an amount"),
    ({"best": text_input("50k")}, "best", "is below"),
    ({"note": text_input("x" * 3001)}, "note", "characters long"),
])
def test_a_mistake_is_shown_next_to_its_input_and_nothing_is_kept(
        slack: FakeSlack, form: View, deps: Deps, fields: dict[str, Any], input_: str,
        says: str) -> None:
    body, view = submission("UALICE", form, state(**fields))
    submit_forecast(slack.ack, body, view, slack.client, deps)
    answer = slack.of("ack")[-1]
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [input_] and says in answer["errors"][input_]
    assert calls(deps) == []


def test_a_button_value_salesbot_did_not_write_only_leaves_the_form_empty() -> None:
    assert prefill("100000|220000.5") == ("100000", "220000.5")
    assert prefill("<script>|9" * 3) == ("", "")
