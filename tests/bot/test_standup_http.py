"""The stand-up prompt's buttons and forms, as Slack sends them, to the running app."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from storage.models import OutOfOffice, StandupAnswer
from tests.bot.http_helpers import Client
from tests.conftest import Chat

DAY = "2026-11-23"


def click(slack: Client, action_id: str, trigger: str) -> None:
    status, _ = slack.click("UALICE", action_id, DAY, block_id="standup_actions",
                            channel="DUALICE", trigger=trigger)
    assert status == 200


def submit(slack: Client, view: dict[str, Any]) -> tuple[int, str]:
    return slack.submit("UALICE", view, trigger="9.view")


def test_skip_button_skips_the_day_and_replaces_the_prompt(
        slack: Client, team: Chat, engine: Engine) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    click(slack, "standup_skip", "1.skip")
    [reply] = slack.replies(1)
    assert "Skipped the stand-up of Mon 23 Nov" in reply
    assert slack.stub.of("response")[0].body["replace_original"] is True
    with engine.connect() as conn:
        assert conn.execute(select(StandupAnswer.skipped)).scalar_one() is True


def test_answer_button_opens_a_prefilled_form_and_submitting_it_answers(
        slack: Client, team: Chat, engine: Engine) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    team.say("alice", '/visit "Acme Corp" on:2026-11-20 outcome:positive Met the CTO')
    click(slack, "standup_answer", "2.answer")
    view = slack.opened_view()
    assert view["callback_id"] == "standup_answer_form"
    assert json.loads(view["private_metadata"])["day"] == DAY
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["yesterday", "today", "blockers"]
    assert "Fri 20 Nov" in inputs["yesterday"]["label"]["text"]
    assert "Acme Corp (positive)" in inputs["yesterday"]["element"]["initial_value"]
    view["id"], view["hash"] = "V9", "h9"
    view["state"] = {"values": {
        "yesterday": {"yesterday": {"type": "plain_text_input", "value": "Met Acme's CTO"}},
        "today": {"today": {"type": "plain_text_input", "value": "Send the quote"}},
        "blockers": {"blockers": {"type": "plain_text_input", "value": None}},
    }}
    status, body = submit(slack, view)
    assert status == 200 and body == ""
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postEphemeral" for x in c))
    text = next(c for c in calls if c.method == "chat.postEphemeral").body["text"]
    assert "Your stand-up for Mon 23 Nov is in" in text
    with engine.connect() as conn:
        row = conn.execute(select(StandupAnswer.day, StandupAnswer.today,
                                  StandupAnswer.blockers)).one()
    assert (row.day.isoformat(), row.today, row.blockers) == (DAY, "Send the quote", "")


def test_out_of_office_button_opens_dates_and_saves_them(
        slack: Client, team: Chat, engine: Engine) -> None:
    click(slack, "standup_ooo", "3.ooo")
    view = slack.opened_view()
    assert view["callback_id"] == "standup_ooo_form"
    view["id"], view["hash"] = "V10", "h10"
    view["state"] = {"values": {
        "start": {"start": {"type": "datepicker", "selected_date": "2026-11-24"}},
        "end": {"end": {"type": "datepicker", "selected_date": "2026-11-20"}},
    }}
    status, body = submit(slack, view)
    assert status == 200 and "before it starts" in json.loads(body)["errors"]["end"]
    view["state"]["values"]["end"]["end"]["selected_date"] = "2026-11-27"
    status, body = submit(slack, view)
    assert status == 200 and body == ""
    with engine.connect() as conn:
        row = conn.execute(select(OutOfOffice.start_day, OutOfOffice.end_day)).one()
    assert (row.start_day.isoformat(), row.end_day.isoformat()) == ("2026-11-24", "2026-11-27")
