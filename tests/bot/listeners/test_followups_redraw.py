"""A follow-up button redraws what it was clicked on: the morning DM or a `/followups` list in
place, the Home tab by publishing it again; Log visit keeps a link to where it came from; the
Add follow-up form takes a customer. Today is Sunday 22 November 2026; alice owes Acme Corp
a quote by Friday (F-1) and Globex a call by Tuesday (F-2)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.dispatch import Caller, Deps, execute
from bot.listeners.followups import (
    add_follow_up,
    follow_up_button,
    log_message_as_visit,
    log_visit,
    submit_follow_up,
)
from bot.listeners.visits import submit_visit
from bot.render.base import render
from commands.core.dates import format_day
from commands.followups.schedule import view_follow_up
from jobs.followups import FollowUpReminder
from storage.models import Activity, Customer, FollowUp
from tests.bot.listeners.conftest import (
    CHANNEL,
    TEAM,
    FakeSlack,
    date_input,
    submission,
    text_input,
)
from tests.commands.deals.test_zh_deals import reads_chinese
from tests.conftest import Chat

TODAY = date(2026, 11, 22)
DM = "DALICE"
TS = "1795000000.000100"
LINK = f"https://acme-sales.slack.com/archives/{DM}/p1795000000000100"


@pytest.fixture
def owed(team: Chat) -> Chat:
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:friday Met the CTO')
    team.say("alice", '/visit "Globex" next:"call back" by:tuesday Left a message')
    return team


def reminder_dm(deps: Deps) -> dict[str, Any]:
    """The morning DM as Slack hands it back to the app with a click on it."""
    now = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    with deps.session_factory() as session:
        items = tuple(view_follow_up(f, now) for f in
                      session.scalars(select(FollowUp).order_by(FollowUp.due_on)))
    message = render(FollowUpReminder("alice", "UALICE", TODAY, items)).as_message()
    message.pop("response_type")
    return {**message, "type": "message", "ts": TS}


def click(user: str, action: dict[str, Any], *, message: dict[str, Any] | None = None,
          home: bool = False, response_url: bool = True) -> dict[str, Any]:
    """A block_actions body: on a DM (`message`), an ephemeral reply (no message) or the
    Home tab."""
    body: dict[str, Any] = {"type": "block_actions", "team": {"id": TEAM, "domain": "acme-sales"},
                            "user": {"id": user}, "trigger_id": f"1.{action['action_id']}",
                            "actions": [action]}
    if home:
        return body | {"view": {"type": "home", "id": "VHOME"},
                       "container": {"type": "view", "view_id": "VHOME"}}
    if message is not None:
        body |= {"channel": {"id": DM}, "message": message,
                 "container": {"type": "message", "message_ts": TS, "channel_id": DM}}
    else:
        body |= {"channel": {"id": CHANNEL},
                 "container": {"type": "message", "message_ts": "1.2", "channel_id": CHANNEL,
                               "is_ephemeral": True}}
    if response_url:
        body["response_url"] = "https://hooks.slack.test/actions/1"
    return body


def done(number: int, block_id: str | None = None) -> dict[str, Any]:
    return {"action_id": "followup_done", "type": "button", "value": str(number),
            "block_id": block_id or f"followup_{number}"}


def snooze(number: int, code: str, block_id: str | None = None) -> dict[str, Any]:
    return {"action_id": "followup_snooze", "type": "static_select",
            "block_id": block_id or f"followup_{number}",
            "selected_option": {"value": f"F-{number}:{code}"}}


def lines(blocks: list[dict[str, Any]]) -> list[str]:
    """The texts of a message's sections and context blocks, in order."""
    out = []
    for b in blocks:
        if b["type"] == "section":
            out.append(b["text"]["text"])
        elif b["type"] == "context":
            out += [e["text"] for e in b["elements"]]
    return out


def buttons(blocks: list[dict[str, Any]], number: int) -> list[str]:
    """The action ids under follow-up `number`."""
    return [e["action_id"] for b in blocks if b["type"] == "actions"
            and b["block_id"].partition("|")[0] == f"followup_{number}" for e in b["elements"]]


def states(deps: Deps) -> list[tuple[str, date, bool, str | None]]:
    with deps.session_factory() as session:
        return [(f.text, f.due_on, f.done_at is not None,
                 f.customer.name if f.customer else None)
                for f in session.scalars(select(FollowUp).order_by(FollowUp.id))]


def test_done_on_the_morning_dm_redraws_it_in_place_and_reopen_undoes_it(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    dm = reminder_dm(deps)
    follow_up_button(slack.ack, click("UALICE", done(1), message=dm), done(1), slack.respond,
                     slack.client, deps)
    assert slack.methods() == ["ack", "respond"]
    [redrawn] = slack.of("respond")
    assert redrawn["replace_original"] is True
    shown = lines(redrawn["blocks"])
    assert shown[0].startswith(":spiral_note_pad: Good morning alice!")
    assert ":white_check_mark: *F-1* ~send quote~ · Acme Corp — done" in shown
    assert buttons(redrawn["blocks"], 1) == ["followup_keep_open"]  # Reopen, nothing else
    assert buttons(redrawn["blocks"], 2) == [  # F-2 is as it was
        "followup_done", "followup_snooze", "followup_snooze_date", "followup_log_visit"]
    assert [e["text"]["text"] for b in redrawn["blocks"] if b["type"] == "actions"
            for e in b["elements"] if e["action_id"] == "followup_keep_open"] == ["Reopen"]
    assert states(deps)[0][2] is True

    again = {**dm, "blocks": redrawn["blocks"]}
    reopen = {"action_id": "followup_keep_open", "type": "button", "value": "1",
              "block_id": "followup_1"}
    body = click("UALICE", reopen, message=again) | {"trigger_id": "2.reopen"}
    follow_up_button(slack.ack, body, reopen, slack.respond, slack.client, deps)
    back = slack.of("respond")[-1]
    assert back["replace_original"] is True
    line = f"*F-1* send quote · Acme Corp — due {format_day(date(2026, 11, 27), TODAY)}"
    assert any(line in text for text in lines(back["blocks"]))
    assert buttons(back["blocks"], 1)[0] == "followup_done"
    assert states(deps)[0][2] is False


def test_snooze_on_the_dm_shows_the_new_day_on_the_line(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    dm = reminder_dm(deps)
    action = snooze(2, "1w")
    follow_up_button(slack.ack, click("UALICE", action, message=dm), action, slack.respond,
                     slack.client, deps)
    [redrawn] = slack.of("respond")
    week_later = format_day(date(2026, 11, 29), TODAY)
    assert any(f"*F-2* call back · Globex — due {week_later}" in text
               for text in lines(redrawn["blocks"]))
    assert states(deps)[1][1] == date(2026, 11, 29)


def test_without_a_response_url_the_dm_is_updated_by_its_ts(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    dm = reminder_dm(deps)
    body = click("UALICE", done(2), message=dm, response_url=False)
    follow_up_button(slack.ack, body, done(2), slack.respond, slack.client, deps)
    assert slack.methods() == ["ack", "chat.update"]
    [update] = slack.of("chat.update")
    assert (update["channel"], update["ts"]) == (DM, TS)
    assert ":white_check_mark: *F-2* ~call back~ · Globex — done" in lines(update["blocks"])


def test_a_click_on_an_ephemeral_list_lists_it_again_with_how_it_went(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    listing = execute(deps, Caller(TEAM, "UALICE", CHANNEL), "followups", "all")
    assert listing is not None
    block_ids = [b["block_id"] for b in listing.as_message()["blocks"]
                 if b["type"] == "actions"]
    assert block_ids == ["followup_2|all", "followup_1|all"]
    follow_up_button(slack.ack, click("UALICE", done(2, "followup_2|all")),
                     done(2, "followup_2|all"), slack.respond, slack.client, deps)
    [redrawn] = slack.of("respond")
    assert redrawn["replace_original"] is True
    shown = lines(redrawn["blocks"])
    assert shown[0] == ":white_check_mark: *F-2* done: call back · Globex."
    assert shown[1] == "*Your open follow-ups* (1):"
    assert buttons(redrawn["blocks"], 1)[0] == "followup_done"
    assert buttons(redrawn["blocks"], 2) == []


def test_a_managers_team_list_is_drawn_again_as_the_team_list(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    listing = execute(deps, Caller(TEAM, "UMIA", CHANNEL), "followups", "team all")
    assert listing is not None
    action = snooze(1, "1d", "followup_1|team all")
    follow_up_button(slack.ack, click("UMIA", action), action, slack.respond, slack.client,
                     deps)
    [redrawn] = slack.of("respond")
    shown = lines(redrawn["blocks"])
    assert shown[0].startswith(":zzz: *F-1* snoozed: due")
    assert shown[1] == "*East's open follow-ups* (2):"
    monday = format_day(date(2026, 11, 23), TODAY)
    assert any(f"*F-1* send quote · Acme Corp — due {monday}" in text for text in shown)


def test_an_old_ephemeral_message_gets_its_answer_under_it(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    follow_up_button(slack.ack, click("UALICE", done(1)), done(1), slack.respond,
                     slack.client, deps)
    [said] = slack.of("respond")
    assert said["replace_original"] is False and "F-1* done: send quote" in said["text"]


def test_a_click_on_the_home_tab_publishes_the_tab_again(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    later = {"action_id": "followup_snooze_date", "type": "datepicker",
             "block_id": "followup_1", "selected_date": "2026-12-10"}
    follow_up_button(slack.ack, click("UALICE", later, home=True), later, slack.respond,
                     slack.client, deps)
    assert slack.methods() == ["ack", "views.publish"]
    [published] = slack.of("views.publish")
    assert published["user_id"] == "UALICE"
    home = lines(published["view"].to_dict()["blocks"])
    assert "*Your follow-ups overdue and due in the next 7 days* (1):" in home
    assert any("*F-2* call back" in text for text in home)
    assert not any("*F-1*" in text for text in home)  # now due beyond the week
    assert states(deps)[0][1] == date(2026, 12, 10)
    # F-2 can be done or snoozed right there, from the tab
    buttons = [e for b in published["view"].to_dict()["blocks"] if b["type"] == "actions"
               for e in b["elements"] if str(e.get("action_id", "")).startswith("followup_")]
    assert {e["action_id"] for e in buttons} >= {"followup_done", "followup_log_visit"}


def test_log_visit_from_the_dm_keeps_the_follow_up_and_a_link_in_the_notes(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    action = {"action_id": "followup_log_visit", "type": "button", "value": "1",
              "block_id": "followup_1"}
    log_visit(slack.ack, click("UALICE", action, message=reminder_dm(deps)), action,
              slack.client, deps)
    [opened] = slack.of("views.open")
    form = opened["view"]
    notes = next(b["element"]["initial_value"] for b in form.to_dict()["blocks"]
                 if b["block_id"] == "notes")
    assert notes == f"From follow-up F-1: send quote\n\n{LINK}"
    state = {"customer": {"type": "external_select",
                          "selected_option": {"value": "Acme Corp"}},
             "on": date_input("2026-11-22"), "notes": text_input(notes)}
    body, view = submission("UALICE", form, state)
    submit_visit(slack.ack, body, view, slack.client, deps)
    with deps.session_factory() as session:
        logged = session.scalars(select(Activity.notes).order_by(Activity.id.desc())).first()
    assert logged == notes
    assert states(deps)[0][2] is True  # the visit closed F-1


def test_log_visit_from_an_ephemeral_list_keeps_the_follow_ups_ref(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    action = {"action_id": "followup_log_visit", "type": "button", "value": "2",
              "block_id": "followup_2|"}
    log_visit(slack.ack, click("UALICE", action), action, slack.client, deps)
    form = slack.of("views.open")[0]["view"].to_dict()
    notes = next(b["element"]["initial_value"] for b in form["blocks"]
                 if b["block_id"] == "notes")
    assert notes == "From follow-up F-2: call back"


def test_log_as_visit_on_a_message_links_to_it(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    body = {"type": "message_action", "callback_id": "log_message_as_visit",
            "team": {"id": TEAM, "domain": "acme-sales"}, "user": {"id": "UALICE"},
            "channel": {"id": CHANNEL}, "trigger_id": "1.shortcut",
            "message": {"type": "message", "text": "Lunch with Acme's CFO", "ts": TS},
            "response_url": "https://hooks.slack.test/shortcut/1"}
    log_message_as_visit(slack.ack, body, slack.client, deps)
    form = slack.of("views.open")[0]["view"].to_dict()
    notes = next(b["element"]["initial_value"] for b in form["blocks"]
                 if b["block_id"] == "notes")
    assert notes == ("Lunch with Acme's CFO\n\n"
                     f"https://acme-sales.slack.com/archives/{CHANNEL}/p1795000000000100")


def open_form(slack: FakeSlack, deps: Deps) -> Any:
    body = {"type": "message_action", "callback_id": "add_follow_up",
            "team": {"id": TEAM}, "user": {"id": "UALICE", "team_id": TEAM},
            "channel": {"id": CHANNEL}, "trigger_id": "1.add_follow_up",
            "message": {"type": "message", "text": "Can you send the PO form?", "ts": TS}}
    add_follow_up(slack.ack, body, slack.client, deps)
    return slack.of("views.open")[-1]["view"]


def customer(value: str) -> dict[str, Any]:
    return {"type": "external_select", "selected_option": {"value": value}}


def test_the_follow_up_form_has_an_optional_customer_type_ahead(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    blocks = {b["block_id"]: b for b in open_form(slack, deps).to_dict()["blocks"]}
    assert list(blocks) == ["text", "by", "customer", "deal"]
    field = blocks["customer"]
    assert field["optional"] is True and field["label"]["text"] == "Customer"
    assert field["element"]["type"] == "external_select"
    assert field["element"]["action_id"] == "customer"  # the visit form's suggestions


@pytest.mark.parametrize("picked, named, created", [
    ("acme  corp", "Acme Corp", False),
    ("new:Initech", "Initech", True),
])
def test_the_follow_up_form_ties_it_to_the_customer_picked(
        slack: FakeSlack, owed: Chat, deps: Deps, picked: str, named: str,
        created: bool) -> None:
    body, view = submission("UALICE", open_form(slack, deps), {
        "text": text_input("send the PO form"), "by": date_input("2026-11-24"),
        "customer": customer(picked)})
    submit_follow_up(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack")[-1] == {}
    [confirm] = slack.of("chat.postEphemeral")
    assert f"Follow-up *F-3*: send the PO form · {named} — due" in confirm["text"]
    assert states(deps)[-1] == ("send the PO form", date(2026, 11, 24), False, named)
    with deps.session_factory() as session:
        assert (named in session.scalars(select(Customer.name)).all()) is True
        assert len(session.scalars(select(Customer)).all()) == (3 if created else 2)


@pytest.mark.parametrize("state, field, says", [
    ({"customer": customer("Acme Crop")}, "customer", 'Did you mean "Acme Corp"?'),
    ({"customer": customer("Globex"), "deal": text_input("D-1")}, "deal",
     "D-1 is a deal with Acme Corp, not Globex."),
])
def test_a_customer_the_form_cannot_take_is_shown_under_its_input(
        slack: FakeSlack, owed: Chat, deps: Deps, state: dict[str, Any], field: str,
        says: str) -> None:
    owed.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:40k')
    body, view = submission("UALICE", open_form(slack, deps), {
        "text": text_input("chase"), "by": date_input("2026-11-24"), **state})
    submit_follow_up(slack.ack, body, view, slack.client, deps)
    errors = slack.of("ack")[-1]["errors"]
    assert list(errors) == [field] and says in errors[field]
    assert len(states(deps)) == 2


def test_a_chinese_reader_sees_the_redraw_form_and_notes_in_chinese(
        slack: FakeSlack, owed: Chat, deps: Deps) -> None:
    reads_chinese(owed, "alice")
    follow_up_button(slack.ack, click("UALICE", done(1), message=reminder_dm(deps)), done(1),
                     slack.respond, slack.client, deps)
    redrawn = slack.of("respond")[0]["blocks"]
    assert ":white_check_mark: *F-1* ~send quote~ · Acme Corp — 已完成" in lines(redrawn)
    assert [e["text"]["text"] for b in redrawn if b["type"] == "actions"
            and b["block_id"] == "followup_1" for e in b["elements"]] == ["重新打开"]

    action = {"action_id": "followup_log_visit", "type": "button", "value": "2",
              "block_id": "followup_2|"}
    log_visit(slack.ack, click("UALICE", action), action, slack.client, deps)
    visit = slack.of("views.open")[-1]["view"].to_dict()
    assert next(b["element"]["initial_value"] for b in visit["blocks"]
                if b["block_id"] == "notes") == "来自跟进事项 F-2：call back"

    form = open_form(slack, deps).to_dict()
    assert [b["label"]["text"] for b in form["blocks"]] == ["跟进事项", "截止日期", "客户", "商机"]
    customer_block = next(b for b in form["blocks"] if b["block_id"] == "customer")
    assert customer_block["hint"]["text"] == "留空则使用商机的客户"
    assert customer_block["element"]["placeholder"]["text"] == "输入客户名称"
    body, view = submission("UALICE", open_form(slack, deps), {
        "text": text_input("chase"), "by": date_input("2026-11-24"),
        "customer": customer("Acme Crop")})
    submit_follow_up(slack.ack, body, view, slack.client, deps)
    assert "Acme Corp" in slack.of("ack")[-1]["errors"]["customer"]
    assert "没有" in slack.of("ack")[-1]["errors"]["customer"]
