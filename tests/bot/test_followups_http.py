"""The follow-up shortcuts end to end: signed HTTP requests, exactly as Slack sends them."""

from __future__ import annotations

from sqlalchemy import Engine, select

from storage.models import Activity, FollowUp
from tests.bot.http_helpers import Client, fill


def test_log_as_visit_on_a_message_opens_the_form_with_it_as_notes(
        slack: Client, engine: Engine) -> None:
    status, body = slack.shortcut("UALICE", "log_message_as_visit",
                                  "Met Globex's buyer: wants a demo in January")
    assert (status, body) == (200, "")
    view = slack.opened_view()
    assert view["callback_id"] == "visit_form"
    notes = next(b for b in view["blocks"] if b["block_id"] == "notes")
    assert notes["element"]["initial_value"] == "Met Globex's buyer: wants a demo in January"
    status, body = slack.submit("UALICE", fill(view, 1, customer="new:Globex",
                                               next="book the demo", by="2026-12-01"))
    assert (status, body) == (200, "")
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postEphemeral" for x in c))
    text = next(c for c in calls if c.method == "chat.postEphemeral").body["text"]
    assert "Globex" in text and "follow-up F-1 due" in text
    with engine.connect() as conn:
        assert list(conn.scalars(select(Activity.notes))) == [
            "Met Globex's buyer: wants a demo in January"]
        assert list(conn.scalars(select(FollowUp.text))) == ["book the demo"]


def test_the_global_shortcut_opens_the_visit_form(slack: Client) -> None:
    assert slack.shortcut("UALICE", "log_a_visit") == (200, "")
    assert slack.opened_view()["callback_id"] == "visit_form"


def test_a_forged_shortcut_is_refused(slack: Client, engine: Engine) -> None:
    status, _ = slack.post('payload={"type":"shortcut","callback_id":"log_a_visit"}',
                           signature="v0=forged")
    assert status == 401
    assert not [c for c in slack.stub.calls if c.method == "views.open"]
