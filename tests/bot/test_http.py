"""End to end: signed HTTP requests, exactly as Slack sends them, to the running app."""

from __future__ import annotations

import http.client
import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

import bot.listeners.commands
from bot.dispatch import Deps
from storage.models import Activity, Deal, Member, Workspace
from tests.bot.http_helpers import Client, count, running_app
from tests.conftest import NOW, Clock


def test_healthz_answers_200(slack: Client) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", slack.port, timeout=5)
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200


def test_visit_command_logs_and_replies_privately(slack: Client, engine: Engine) -> None:
    status, acknowledgement = slack.command(
        "UALICE", "/visit",
        '"Acme Corp" type:demo outcome:positive on:yesterday next:"send quote" Met the CTO, '
        "wants pricing",
    )
    assert status == 200
    [reply] = slack.replies(1)
    # the reply rides on the acknowledgement: nothing is POSTed to the response_url
    [shown] = slack.stub.of("response")
    assert shown.headers == {"via": "acknowledgement"}
    assert json.loads(acknowledgement) == shown.body
    assert shown.body["response_type"] == "ephemeral"
    assert "Acme Corp" in reply and "demo" in reply and "yesterday" in reply
    assert count(engine, Activity) == 1
    # first contact registered Alice with her Slack name and timezone
    with engine.connect() as conn:
        alice = conn.execute(select(Member.name, Member.timezone)
                             .where(Member.slack_user_id == "UALICE")).one()
    assert tuple(alice) == ("Alice", "America/Los_Angeles")


def test_deal_lifecycle_over_http(slack: Client, engine: Engine) -> None:
    slack.command("UALICE", "/deal",
                  'new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal '
                  "close:2026-12-15")
    assert "D-1" in slack.replies(1)[0]
    slack.command("UALICE", "/deal", "D-1")
    slack.replies(2)
    detail = slack.stub.of("response")[1].body
    buttons = {e["action_id"]: e["value"] for b in detail["blocks"] if b["type"] == "actions"
               for e in b["elements"]}
    assert buttons == {"deal_advance": "1:negotiation", "deal_won": "1", "deal_lost": "1",
                       "deal_edit": "1"}
    # clicking "Advance to negotiation" moves the deal and refreshes the card in place
    status, _ = slack.click("UALICE", "deal_advance", "1:negotiation", block_id="deal_actions")
    assert status == 200
    slack.replies(3)
    card = slack.stub.of("response")[2].body
    assert card["replace_original"] is True and "negotiation" in card["text"]
    slack.command("UALICE", "/deal", 'D-1 amount:150k close:"next friday"')
    assert "150,000" in slack.replies(4)[3]
    slack.command("UALICE", "/deal", "D-1 won")
    assert "won" in slack.replies(5)[4]
    with engine.connect() as conn:
        assert conn.execute(select(Deal.stage)).scalar_one() == "won"


def test_bad_input_gets_private_error_and_writes_nothing(slack: Client, engine: Engine) -> None:
    status, _ = slack.command("UALICE", "/deal", 'new "X" customer:"Acme Corp" amount:12x')
    assert status == 200  # acknowledged, even though the command then fails
    [reply] = slack.replies(1)
    assert "12x" in reply and "not an amount" in reply
    assert slack.stub.of("response")[0].body["response_type"] == "ephemeral"
    assert count(engine, Deal) == 0


def test_bad_signature_is_refused(slack: Client, engine: Engine) -> None:
    status, _ = slack.command("UALICE", "/visit", '"Acme Corp" hi', signature="v0=" + "0" * 64)
    assert status == 401
    assert count(engine, Activity) == 0


def test_stale_timestamp_is_refused(slack: Client, engine: Engine) -> None:
    status, _ = slack.command("UALICE", "/visit", '"Acme Corp" hi', ts=int(time.time()) - 6 * 60)
    assert status == 401
    assert count(engine, Activity) == 0


def test_duplicate_delivery_takes_effect_once(slack: Client, engine: Engine) -> None:
    for _ in range(2):
        status, _ = slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO',
                                  trigger="same.trigger")
        assert status == 200
    # the second delivery applied nothing, and answers with what the first one did
    first, again = slack.replies(2)
    assert "Acme Corp" in first
    assert again == f"Already done (Slack sent this command again): {first}"
    assert count(engine, Activity) == 1


def test_visit_without_text_opens_the_form(slack: Client) -> None:
    slack.command("UALICE", "/visit", "")
    view = slack.opened_view()
    assert view["callback_id"] == "visit_form"
    blocks = [b["block_id"] for b in view["blocks"]]
    assert blocks == ["customer", "type", "on", "outcome", "notes", "next", "by", "deal"]


def visit_view(customer: str, on: str, deal: str | None, notes: str = "Intro call",
               type_: str = "call") -> dict[str, Any]:
    """The /visit form as Slack submits it, filled in."""
    return {
        "id": "V123", "type": "modal", "hash": "h1", "callback_id": "visit_form",
        "private_metadata": json.dumps({"channel_id": "C0EAST"}),
        "state": {"values": {
            "customer": {"customer": {"type": "external_select",
                                      "selected_option": {"value": customer}}},
            "type": {"type": {"type": "static_select", "selected_option": {"value": type_}}},
            "on": {"on": {"type": "datepicker", "selected_date": on}},
            "outcome": {"outcome": {"type": "static_select", "selected_option": None}},
            "notes": {"notes": {"type": "plain_text_input", "value": notes}},
            "next": {"next": {"type": "plain_text_input", "value": None}},
            "deal": {"deal": {"type": "plain_text_input", "value": deal}},
        }},
    }


def test_view_submission_logs_visit(slack: Client, engine: Engine) -> None:
    view = visit_view("new:Globex", "2026-11-20", None)
    status, body = slack.submit("UALICE", view)
    assert status == 200 and body == ""
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postEphemeral" for x in c))
    text = next(c for c in calls if c.method == "chat.postEphemeral").body["text"]
    assert "Globex" in text and "call" in text
    assert count(engine, Activity) == 1


def test_visit_form_on_a_deal_closed_before_shows_why_next_to_the_deal(
        slack: Client, engine: Engine, clock: Clock) -> None:
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:120k')
    slack.command("UALICE", "/deal", "D-1 won")
    slack.replies(2)
    clock.now = NOW + timedelta(days=2)
    status, body = slack.submit("UALICE", visit_view("Acme Corp", "2026-11-24", "D-1"))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["deal"].startswith("D-1 was won on Sun 22 Nov, so this activity "
                                               "cannot go on it.")
    assert count(engine, Activity) == 0


def test_sales_export_sends_a_rep_only_their_own_data_in_a_dm(slack: Client) -> None:
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:120k')
    slack.command("UBOB", "/deal", 'new "Initech pilot" customer:"Initech" amount:30k')
    slack.replies(2)
    slack.command("UALICE", "/sales", "export")
    reply = slack.replies(3)[2]
    assert "Sending you 8 CSV files in a direct message" in reply and "deals 1" in reply
    done = slack.stub.wait_for(lambda c: any(x.method == "files.completeUploadExternal"
                                             for x in c))
    [opened] = [c for c in done if c.method == "conversations.open"]
    assert opened.body["users"] == "UALICE"
    [complete] = [c for c in done if c.method == "files.completeUploadExternal"]
    assert complete.body["channel_id"] == "DUALICE"
    uploads = [c.body["data"] for c in done if c.method == "upload"]
    assert len(uploads) == 8  # five tables, the follow-ups, the forecast calls and adjustments
    assert any(b"Acme renewal" in u for u in uploads)
    assert not any(b"Initech" in u for u in uploads)  # bob's deal and customer stay out


def test_a_command_from_a_workspace_the_bot_is_not_installed_in_is_refused(
        slack: Client, engine: Engine) -> None:
    status, body = slack.command("UEVE", "/visit", '"Acme Corp" Hello', team="T0OTHER")
    assert status == 200 and "not installed in this workspace" in body
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Workspace)).scalar_one() == 0
    assert count(engine, Activity) == 0 and not slack.stub.of("response")


def test_a_command_not_answered_in_time_is_acknowledged_and_answered_at_its_response_url(
    deps: Deps, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slack waits 3 s for the acknowledgement. A command still running at the deadline (a
    # slow database) is acknowledged empty, and its reply follows at the response_url.
    acknowledged = threading.Event()
    reply_now = bot.listeners.commands.command_reply

    def slow(*args: Any) -> Any:
        assert acknowledged.wait(10), "the command was not acknowledged while it ran"
        return reply_now(*args)

    monkeypatch.setattr(bot.listeners.commands, "ANSWER_WITHIN_S", 0.0)  # the deadline has passed
    monkeypatch.setattr(bot.listeners.commands, "command_reply", slow)
    with running_app(deps, engine) as slack:
        status, body = slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO')
        acknowledged.set()
        assert (status, body) == (200, "")
        [reply] = slack.replies(1)
        [late] = slack.stub.of("response")
    assert late.headers.get("via") != "acknowledgement"
    assert "Acme Corp" in reply and late.body["response_type"] == "ephemeral"
    assert count(engine, Activity) == 1
