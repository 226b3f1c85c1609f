"""A warning's Snooze, Acknowledge and Create action buttons, in process."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.dispatch import Deps
from bot.listeners.warnings import (
    acknowledge,
    create_action,
    snooze,
    submit_action,
    submit_snooze,
)
from storage.models import ActionItem, WarningState
from tests.bot.listeners.conftest import FakeSlack, button, submission, text_input
from tests.conftest import Clock


def state(deps: Deps, key: str) -> WarningState:
    with deps.session_factory() as session:
        found = session.scalar(select(WarningState).where(WarningState.key == key))
        assert found is not None
        return found


def test_the_owner_snoozes_their_deal_for_a_week_with_a_reason(
        slack: FakeSlack, stale_deal_warned: str, deps: Deps, clock: Clock) -> None:
    body, action = button("UALICE", "warning_snooze_week", stale_deal_warned)
    snooze(slack.ack, body, action, slack.respond, slack.client, deps)
    [opened] = slack.of("views.open")
    assert opened["view"].callback_id == "warning_snooze_form"
    body, view = submission("UALICE", opened["view"],
                            {"reason": text_input("Customer on holiday")})
    submit_snooze(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    [confirm] = slack.of("chat.postEphemeral")
    assert confirm["user"] == "UALICE" and "snoozed" in confirm["text"].lower()
    row = state(deps, "stale_deal:deal:D-1")
    assert row.snoozed_until is not None
    assert row.snoozed_until.replace(tzinfo=None) >= \
        (clock.now + timedelta(days=6)).replace(tzinfo=None)


def test_a_too_long_reason_is_shown_under_it_and_nothing_is_snoozed(
        slack: FakeSlack, stale_deal_warned: str, deps: Deps) -> None:
    body, action = button("UALICE", "warning_snooze_day", stale_deal_warned)
    snooze(slack.ack, body, action, slack.respond, slack.client, deps)
    [opened] = slack.of("views.open")
    body, view = submission("UALICE", opened["view"], {"reason": text_input("x" * 501)})
    submit_snooze(slack.ack, body, view, slack.client, deps)
    errors = slack.of("ack")[-1]["errors"]
    assert list(errors) == ["reason"] and "501 characters long" in errors["reason"]
    assert state(deps, "stale_deal:deal:D-1").snoozed_until is None


def test_someone_else_is_refused_privately_and_no_form_opens(
        slack: FakeSlack, stale_deal_warned: str, deps: Deps) -> None:
    body, action = button("UBOB", "warning_snooze_day", stale_deal_warned)
    snooze(slack.ack, body, action, slack.respond, slack.client, deps)
    [refusal] = slack.of("respond")
    assert refusal["replace_original"] is False
    assert "Only a manager of East, an admin or the person the warning is about" \
        in refusal["text"]
    assert slack.of("views.open") == []
    body, action = button("UBOB", "warning_ack", stale_deal_warned, trigger="2.click")
    acknowledge(slack.ack, body, action, slack.respond, slack.client, deps)
    assert state(deps, "stale_deal:deal:D-1").acknowledged_at is None


def test_create_action_opens_a_form_drafted_from_the_warning_and_links_the_item(
        slack: FakeSlack, stale_deal_warned: str, deps: Deps) -> None:
    body, action = button("UMIA", "warning_create_action", stale_deal_warned)
    create_action(slack.ack, body, action, slack.respond, slack.client, deps)
    [opened] = slack.of("views.open")
    form = opened["view"].to_dict()
    assert form["callback_id"] == "warning_action_form"
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs["owner"]["initial_user"] == "UALICE"
    assert "D-1" in inputs["text"]["initial_value"]
    body, view = submission("UMIA", opened["view"], {
        "owner": {"type": "users_select", "selected_user": "UALICE"},
        "text": text_input("Call Acme about the renewal"),
        "due": {"type": "datepicker", "selected_date": "2026-11-27"}})
    submit_action(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    [confirm] = slack.of("chat.postEphemeral")
    assert "A-1 for alice" in confirm["text"]
    with deps.session_factory() as session:
        item = session.scalar(select(ActionItem))
        assert item is not None
        assert (item.text, item.owner.slack_user_id, item.link_rule, item.link_subject) == (
            "Call Acme about the renewal", "UALICE", "stale_deal", "deal:D-1")


def test_an_action_the_submitter_may_not_give_is_refused_on_the_form(
        slack: FakeSlack, stale_deal_warned: str, deps: Deps) -> None:
    body, action = button("UBOB", "warning_create_action", stale_deal_warned)
    create_action(slack.ack, body, action, slack.respond, slack.client, deps)
    [opened] = slack.of("views.open")
    body, view = submission("UBOB", opened["view"], {
        "owner": {"type": "users_select", "selected_user": "UALICE"},
        "text": text_input("Call Acme")})
    submit_action(slack.ack, body, view, slack.client, deps)
    errors = slack.of("ack")[-1]["errors"]
    assert list(errors) == ["text"] and "Only alice's manager or an admin" in errors["text"]
    with deps.session_factory() as session:
        assert session.scalar(select(ActionItem)) is None
