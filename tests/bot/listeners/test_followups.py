"""The follow-up buttons, Log visit, the shortcuts and the Add follow-up form, in process.
Today is Sunday 22 November 2026; alice owes Acme Corp a quote by Friday (F-1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.dispatch import Deps
from bot.listeners.followups import (
    add_follow_up,
    follow_up_button,
    log_a_visit,
    log_message_as_visit,
    log_visit,
    submit_follow_up,
)
from bot.listeners.visits import submit_visit
from bot.views.base import values
from commands.core.errors import PermissionDenied
from storage.models import Activity, FollowUp
from tests.bot.listeners.conftest import (
    CHANNEL,
    TEAM,
    FakeSlack,
    button,
    date_input,
    submission,
    text_input,
)
from tests.conftest import Chat


@pytest.fixture
def quoted(team: Chat) -> Chat:
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:friday Met the CTO')
    return team


def follow_ups(deps: Deps) -> list[tuple[str, date, bool]]:
    with deps.session_factory() as session:
        return [(f.text, f.due_on, f.done_at is not None)
                for f in session.scalars(select(FollowUp).order_by(FollowUp.id))]


def shortcut(user: str, callback_id: str, text: str | None = None) -> dict[str, Any]:
    """A shortcut's body: a message's (with its text) or, without text, the global one."""
    body: dict[str, Any] = {"type": "shortcut", "callback_id": callback_id,
                            "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
                            "trigger_id": f"1.{callback_id}"}
    if text is not None:
        body |= {"type": "message_action", "channel": {"id": CHANNEL},
                 "message": {"type": "message", "text": text, "ts": "1.1"},
                 "response_url": "https://hooks.slack.test/shortcut/1"}
    return body


def form_values(view: Any) -> dict[str, Any]:
    """What a form opens with, by block id: each input's initial value."""
    out = {}
    for block in view.to_dict()["blocks"]:
        element = block.get("element", {})
        out[block.get("block_id")] = (element.get("initial_value")
                                      or element.get("initial_date")
                                      or element.get("initial_user")
                                      or (element.get("initial_option") or {}).get("value"))
    return out


def test_done_runs_the_command_and_answers_under_the_message(
        slack: FakeSlack, quoted: Chat, deps: Deps) -> None:
    body, action = button("UALICE", "followup_done", "1")
    follow_up_button(slack.ack, body, action, slack.respond, slack.client, deps)
    assert slack.methods() == ["ack", "respond"]
    [said] = slack.of("respond")
    assert said["replace_original"] is False and "F-1* done: send quote" in said["text"]
    assert follow_ups(deps) == [("send quote", date(2026, 11, 27), True)]
    follow_up_button(slack.ack, body, action, slack.respond, slack.client, deps)
    assert len(slack.of("respond")) == 1  # the same click again: done once


@pytest.mark.parametrize("action, due", [
    ({"action_id": "followup_snooze", "type": "static_select",
      "selected_option": {"value": "F-1:1d"}}, date(2026, 11, 23)),
    ({"action_id": "followup_snooze", "type": "static_select",
      "selected_option": {"value": "F-1:1w"}}, date(2026, 11, 29)),
    ({"action_id": "followup_snooze_date", "type": "datepicker", "block_id": "followup_1",
      "selected_date": "2026-12-04"}, date(2026, 12, 4)),
])
def test_snooze_moves_it_by_a_day_a_week_or_to_a_date(
        slack: FakeSlack, quoted: Chat, deps: Deps, action: dict[str, Any], due: date) -> None:
    body, _ = button("UALICE", action["action_id"], "")
    follow_up_button(slack.ack, body, action, slack.respond, slack.client, deps)
    [said] = slack.of("respond")
    assert "F-1* snoozed" in said["text"]
    assert follow_ups(deps) == [("send quote", due, False)]


def test_keep_open_reopens_what_a_visit_closed(
        slack: FakeSlack, quoted: Chat, deps: Deps) -> None:
    quoted.say("alice", '/visit "Acme Corp" Dropped by')
    assert follow_ups(deps)[0][2] is True
    body, action = button("UALICE", "followup_keep_open", "1")
    follow_up_button(slack.ack, body, action, slack.respond, slack.client, deps)
    assert "F-1* is open again" in slack.of("respond")[0]["text"]
    assert follow_ups(deps)[0][2] is False


def test_someone_elses_follow_up_is_refused_and_left_alone(
        slack: FakeSlack, quoted: Chat, deps: Deps) -> None:
    body, action = button("UBOB", "followup_done", "1")
    with pytest.raises(PermissionDenied, match="alice's follow-up"):
        follow_up_button(slack.ack, body, action, slack.respond, slack.client, deps)
    assert follow_ups(deps)[0][2] is False


def test_log_visit_opens_the_visit_form_filled_from_the_follow_up_and_logging_closes_it(
        slack: FakeSlack, quoted: Chat, deps: Deps) -> None:
    body, action = button("UALICE", "followup_log_visit", "1")
    log_visit(slack.ack, body, action, slack.client, deps)
    [opened] = slack.of("views.open")
    form = opened["view"]
    assert form.callback_id == "visit_form"
    filled = form_values(form)
    assert (filled["customer"], filled["next"], filled["deal"]) == (
        "Acme Corp", "send quote", None)
    state = {"customer": {"type": "external_select",
                          "selected_option": {"value": "Acme Corp"}},
             "type": {"type": "static_select", "selected_option": {"value": "call"}},
             "on": date_input("2026-11-22"), "next": text_input("send the revised quote"),
             "by": date_input("2026-12-01")}
    body, view = submission("UALICE", form, state)
    submit_visit(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    assert follow_ups(deps) == [("send quote", date(2026, 11, 27), True),
                                ("send the revised quote", date(2026, 12, 1), False)]


def test_the_visit_forms_by_without_a_next_step_is_shown_under_by(
        slack: FakeSlack, quoted: Chat, deps: Deps) -> None:
    log_a_visit(slack.ack, shortcut("UALICE", "log_a_visit"), slack.client, deps)
    [opened] = slack.of("views.open")
    state = {"customer": {"type": "external_select",
                          "selected_option": {"value": "Acme Corp"}},
             "on": date_input("2026-11-22"), "by": date_input("2026-12-01")}
    body, view = submission("UALICE", opened["view"], state)
    submit_visit(slack.ack, body, view, slack.client, deps)
    errors = slack.of("ack")[-1]["errors"]
    assert list(errors) == ["by"] and "dates the next step" in errors["by"]


def test_log_as_visit_puts_the_message_in_the_notes(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    body = shortcut("UALICE", "log_message_as_visit", "Lunch with Acme's CFO, keen on Q1")
    log_message_as_visit(slack.ack, body, slack.client, deps)
    assert slack.methods() == ["ack", "views.open"]
    form = slack.of("views.open")[0]["view"]
    assert form_values(form)["notes"] == "Lunch with Acme's CFO, keen on Q1"
    state = {"customer": {"type": "external_select",
                          "selected_option": {"value": "new:Acme Corp"}},
             "on": date_input("2026-11-22"),
             "notes": text_input(form_values(form)["notes"])}
    body, view = submission("UALICE", form, state)
    submit_visit(slack.ack, body, view, slack.client, deps)
    [confirm] = slack.of("chat.postEphemeral")
    assert confirm["channel"] == CHANNEL and "Acme Corp" in confirm["text"]
    with deps.session_factory() as session:
        assert list(session.scalars(select(Activity.notes))) == [
            "Lunch with Acme's CFO, keen on Q1"]


def test_the_global_shortcut_opens_an_empty_visit_form_answered_by_dm(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    log_a_visit(slack.ack, shortcut("UALICE", "log_a_visit"), slack.client, deps)
    form = slack.of("views.open")[0]["view"]
    assert form.callback_id == "visit_form" and form_values(form)["notes"] is None
    assert '"channel_id": null' in form.private_metadata


def test_add_follow_up_from_a_message(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:40k')
    body = shortcut("UALICE", "add_follow_up", "Can you send the PO form?\nThanks, Li")
    add_follow_up(slack.ack, body, slack.client, deps)
    form = slack.of("views.open")[0]["view"]
    assert form.callback_id == "followup_form"
    assert form_values(form)["text"] == "Can you send the PO form?"
    assert form_values(form)["by"] == "2026-11-22"
    body, view = submission("UALICE", form, {"text": text_input("send the PO form"),
                                             "by": date_input("2026-11-24"),
                                             "deal": text_input("D-1")})
    assert values(view)["deal"] == "D-1"
    submit_follow_up(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    [confirm] = slack.of("chat.postEphemeral")
    assert "Follow-up *F-1*: send the PO form · Acme Corp · D-1" in confirm["text"]
    assert follow_ups(deps) == [("send the PO form", date(2026, 11, 24), False)]


@pytest.mark.parametrize("state, field, says", [
    ({"text": text_input("chase"), "by": date_input("2026-11-01")}, "by", "in the past"),
    ({"text": text_input("chase"), "by": date_input("2026-11-24"),
      "deal": text_input("D-9")}, "deal", "There is no deal D-9"),
    ({"text": text_input("chase"), "by": date_input("2026-11-24"),
      "deal": text_input("nine")}, "deal", "not a deal reference"),
])
def test_a_mistake_in_the_follow_up_form_is_shown_under_its_input(
        slack: FakeSlack, team: Chat, deps: Deps, state: dict[str, Any], field: str,
        says: str) -> None:
    add_follow_up(slack.ack, shortcut("UALICE", "add_follow_up", "x"), slack.client, deps)
    body, view = submission("UALICE", slack.of("views.open")[0]["view"], state)
    submit_follow_up(slack.ack, body, view, slack.client, deps)
    errors = slack.of("ack")[-1]["errors"]
    assert list(errors) == [field] and says in errors[field]
    assert follow_ups(deps) == []
