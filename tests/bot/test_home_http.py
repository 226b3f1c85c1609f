"""The App Home tab over HTTP, signed like Slack, against a stub Web API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.render.home import HOME_LOG_VISIT, HOME_REFRESH
from bot.render.warnings import ACK_ACTION, SNOOZE_DAY_ACTION, SNOOZE_WEEK_ACTION
from storage.models import (
    Activity,
    Member,
    OutOfOffice,
    StandupAnswer,
    Team,
    WarningState,
)
from tests.bot.http_helpers import Client, fill, home_click
from tests.conftest import Chat, Clock


def open_home(client: Client, user: str, *, tab: str = "home",
              event_id: str = "Ev1") -> tuple[int, str]:
    """The user opens the app's Home tab, as Slack sends it: app_home_opened."""
    body = {
        "token": "legacy", "team_id": client.stub.team_id, "api_app_id": "A0SALES",
        "type": "event_callback", "event_id": event_id, "event_time": 1_795_000_000,
        "event": {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": tab,
                  "event_ts": "1795000000.000100"},
    }
    return client.post(json.dumps(body), content_type="application/json")


def published(client: Client, n: int = 1) -> tuple[str, dict[str, Any]]:
    """The n-th views.publish the app made: for whom, and the view."""
    calls = client.stub.wait_for(
        lambda c: len([x for x in c if x.method == "views.publish"]) >= n)
    call = [c for c in calls if c.method == "views.publish"][n - 1]
    view = call.body["view"]
    return call.body["user_id"], json.loads(view) if isinstance(view, str) else dict(view)


def member_id(engine: Engine, slack_user_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(Member.id).where(
            Member.slack_user_id == slack_user_id)).scalar_one()


def warning_buttons(view: dict[str, Any]) -> dict[str, str]:
    """The warnings with buttons on a Home tab: block id -> the buttons' value."""
    found = {}
    for b in view["blocks"]:
        if b["type"] == "actions" and b["block_id"].startswith("warning:"):
            assert [e["action_id"] for e in b["elements"]] == [
                SNOOZE_DAY_ACTION, SNOOZE_WEEK_ACTION, ACK_ACTION, "warning_create_action"]
            found[b["block_id"]] = b["elements"][0]["value"]
    return found


def set_november_target(team: Chat) -> None:
    """A 1.2M November target set as the month began, so pace is judged over the month."""
    clock = team.deps.clock
    assert isinstance(clock, Clock)
    now = clock.now
    clock.now = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    team.say("mia", "/target set team revenue 1.2M month:2026-11")
    clock.now = now


def behind_pace_button(client: Client, team: Chat, engine: Engine, *, seen_by: str,
                       about: str) -> tuple[str, str]:
    """With a target nobody is near, `seen_by` opens the Home tab: the block id and value of
    the buttons of the behind-pace warning about `about`."""
    set_november_target(team)
    open_home(client, seen_by)
    block = f"warning:behind_pace:member:{member_id(engine, about)}"
    return block, warning_buttons(published(client)[1])[block]


def texts(view: dict[str, Any]) -> str:
    out = []
    for block in view["blocks"]:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out += [e.get("text", "") for e in block.get("elements", []) if block["type"] == "context"]
        out += [e["text"]["text"] for e in block.get("elements", []) if block["type"] == "actions"]
    return "\n".join(out)


def test_a_rep_sees_their_plan_open_deals_and_team_on_the_home_tab(
        slack: Client, team: Chat, engine: Engine) -> None:
    set_november_target(team)
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      'close:2026-12-15')
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:30k')
    status, _ = open_home(slack, "UALICE")
    assert status == 200
    user, view = published(slack)
    assert user == "UALICE" and view["type"] == "home"
    shown = texts(view)
    assert "Hi Alice" in shown and "Sun 22 Nov · team East" in shown
    assert "Activity plan for Alice, 2026-11" in shown
    assert "Your open deals" in shown and "D-1" in shown and "Acme renewal" in shown
    assert "Initech pilot" not in shown  # bob's deal is his
    assert "*Leaderboard of East: revenue, 2026-11* (ranked by attainment)" in shown
    assert "*Warnings of East now*" in shown
    assert "*Behind pace* (critical) Alice: 0% of November's target" in shown
    assert "Log a visit" in shown and "Refresh" in shown
    assert len(view["blocks"]) <= 100
    # besides its own, the only buttons are on the warnings about her
    alice = member_id(engine, "UALICE")
    actions = [b["block_id"] for b in view["blocks"] if b["type"] == "actions"]
    assert actions[0] == "home_actions" and len(actions) > 1
    assert all(a.startswith("warning:") and a.endswith(f":member:{alice}")
               for a in actions[1:])


def test_a_part_with_nothing_to_show_says_how_to_get_started(
        slack: Client, team: Chat) -> None:
    open_home(slack, "UALICE")
    shown = texts(published(slack)[1])
    assert "No revenue target covers 2026-11 for Alice. Set one with `/target set" in shown
    assert "open deals: none. Create one with `/deal new" in shown


def test_someone_new_is_registered_and_told_to_join_a_team(
        slack: Client, engine: Engine) -> None:
    open_home(slack, "UBOB")
    shown = texts(published(slack)[1])
    assert "Hi Bob" in shown
    assert "not in a team yet: ask your manager to add you" in shown
    with engine.connect() as conn:
        assert conn.execute(select(Member.name)).scalars().all() == ["Bob"]


def test_the_messages_tab_publishes_nothing(slack: Client, team: Chat) -> None:
    status, _ = open_home(slack, "UALICE", tab="messages")
    assert status == 200
    open_home(slack, "UMIA", event_id="Ev2")  # a later event, to know the first was handled
    assert published(slack)[0] == "UMIA"
    assert not [c for c in slack.stub.calls if c.method == "views.publish"
                and c.body["user_id"] == "UALICE"]


def test_refresh_shows_what_changed_since(slack: Client, team: Chat) -> None:
    open_home(slack, "UALICE")
    assert "Globex expansion" not in texts(published(slack)[1])
    team.say("alice", '/deal new "Globex expansion" customer:"Globex" amount:120k')
    status, _ = home_click(slack, "UALICE", HOME_REFRESH)
    assert status == 200
    user, view = published(slack, 2)
    assert user == "UALICE" and "Globex expansion" in texts(view)


def test_log_a_visit_opens_the_form_and_the_reply_comes_as_a_dm(
        slack: Client, team: Chat, engine: Engine) -> None:
    status, _ = home_click(slack, "UALICE", HOME_LOG_VISIT)
    assert status == 200
    view = slack.opened_view()
    assert view["callback_id"] == "visit_form"
    status, body = slack.submit("UALICE", fill(view, 1, customer="new:Globex",
                                               notes="Intro call"))
    assert status == 200 and body == ""
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postMessage" for x in c))
    [dm] = [c for c in calls if c.method == "chat.postMessage"]
    assert dm.body["channel"] == "UALICE" and "Globex" in dm.body["text"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Activity)).scalar_one() == 1


def test_a_manager_acknowledges_a_warning_on_the_home_tab(
        slack: Client, team: Chat, engine: Engine) -> None:
    set_november_target(team)
    open_home(slack, "UMIA")
    with engine.connect() as conn:
        tid = conn.execute(select(Team.id)).scalar_one()
    block = f"warning:behind_pace:team:{tid}"
    buttons = warning_buttons(published(slack)[1])
    assert block in buttons and len(buttons) >= 3  # a manager may act on every warning
    status, _ = home_click(slack, "UMIA", ACK_ACTION, buttons[block], block)
    assert status == 200
    _, after = published(slack, 2)
    assert block not in warning_buttons(after)
    assert "acknowledged by Mia on Sun 22 Nov 17:00" in texts(after)
    with engine.connect() as conn:
        acked = conn.execute(select(WarningState.acknowledged_by_id).where(
            WarningState.key == f"behind_pace:team:{tid}")).scalar_one()
    assert acked == member_id(engine, "UMIA")
    assert not slack.stub.of("response")  # no message to answer under


def test_a_snooze_on_the_home_tab_asks_why_then_shows_it(
        slack: Client, team: Chat, engine: Engine) -> None:
    block, value = behind_pace_button(slack, team, engine, seen_by="UALICE", about="UALICE")
    home_click(slack, "UALICE", SNOOZE_WEEK_ACTION, value, block)
    form = slack.opened_view()
    assert form["callback_id"] == "warning_snooze_form"
    status, body = slack.submit("UALICE", fill(form, 7, reason="On leave until Monday"))
    assert status == 200 and body == ""
    _, after = published(slack, 2)
    assert "snoozed until Sun 29 Nov 01:00 (On leave until Monday)" in texts(after)
    assert not [c for c in slack.stub.calls if c.method == "chat.postMessage"]


def test_a_click_on_someone_elses_warning_is_refused_by_dm_and_changes_nothing(
        slack: Client, team: Chat, engine: Engine) -> None:
    block, value = behind_pace_button(slack, team, engine, seen_by="UMIA", about="UBOB")
    home_click(slack, "UALICE", ACK_ACTION, value, block)  # alice presses bob's (forged)
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postMessage" for x in c))
    [dm] = [c for c in calls if c.method == "chat.postMessage"]
    assert dm.body["channel"] == "UALICE"
    assert "Only a manager of East, an admin or the person the warning is about" in \
        dm.body["text"]
    user, again = published(slack, 2)  # her Home tab, drawn again: no button on bob's
    assert user == "UALICE" and block not in warning_buttons(again)
    with engine.connect() as conn:
        assert not any(conn.execute(select(WarningState.acknowledged_by_id)).scalars())


def standup_of(view: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The stand-up line of a Home tab, and its buttons."""
    [line] = [b["text"]["text"] for b in view["blocks"] if b.get("block_id") == "home_standup"]
    return line, [e for b in view["blocks"] if b.get("block_id") == "home_standup_actions"
                  for e in b["elements"]]


PROMPT_BUTTONS = ["Answer", "Skip today", "Out of office"]


@pytest.mark.parametrize(("utc_hour", "shown", "buttons"), [
    (1, "*Stand-up of East, today*: opens at 09:30, answers until 11:30.", PROMPT_BUTTONS),
    (2, ":speech_balloon: *Stand-up of East, today*: waiting for your answer until 11:30.",
     PROMPT_BUTTONS),
    (4, "*Stand-up of East, today*: not answered; the summary went out at 11:30. An answer "
        "now joins its thread.", ["Answer"]),
])
def test_the_home_tab_says_where_todays_standup_stands(
        slack: Client, team: Chat, clock: Clock, utc_hour: int, shown: str,
        buttons: list[str]) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, utc_hour, 0, tzinfo=UTC)  # Monday, Shanghai +8
    open_home(slack, "UMIA")
    line, elements = standup_of(published(slack)[1])
    assert line == shown
    assert [e["text"]["text"] for e in elements] == buttons
    assert [e["action_id"] for e in elements] == [
        "standup_answer", "standup_skip", "standup_ooo"][:len(buttons)]
    assert {e["value"] for e in elements} == {"2026-11-23"}


def test_no_standup_line_without_one_and_none_on_a_weekend(
        slack: Client, team: Chat) -> None:
    open_home(slack, "UMIA")
    assert not [b for b in published(slack)[1]["blocks"]
                if b.get("block_id") == "home_standup"]
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    home_click(slack, "UMIA", HOME_REFRESH)
    assert standup_of(published(slack, 2)[1]) == ("*Stand-up of East*: none today.", [])


def test_answering_from_the_home_tab_shows_it_answered(
        slack: Client, team: Chat, clock: Clock, engine: Engine) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    open_home(slack, "UMIA")
    answer = standup_of(published(slack)[1])[1][0]
    home_click(slack, "UMIA", answer["action_id"], answer["value"], "home_standup_actions")
    form = slack.opened_view()
    assert json.loads(form["private_metadata"])["home"] is True
    status, body = slack.submit("UMIA", fill(form, 3, yesterday="Forecast call",
                                             today="Pipeline review", blockers="none"))
    assert status == 200 and body == ""
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postMessage" for x in c))
    dm = next(c for c in calls if c.method == "chat.postMessage")
    assert dm.body["channel"] == "UMIA" and "Your stand-up for today is in" in dm.body["text"]
    line, elements = standup_of(published(slack, 2)[1])
    assert line == ":white_check_mark: *Stand-up of East, today*: answered at 10:00."
    assert [e["text"]["text"] for e in elements] == ["Change answer"]
    with engine.connect() as conn:
        assert conn.execute(select(StandupAnswer.today)).scalar_one() == "Pipeline review"


def test_skip_today_from_the_home_tab(
        slack: Client, team: Chat, clock: Clock, engine: Engine) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    open_home(slack, "UMIA")
    skip = standup_of(published(slack)[1])[1][1]
    home_click(slack, "UMIA", skip["action_id"], skip["value"], "home_standup_actions")
    line, elements = standup_of(published(slack, 2)[1])
    assert line == "*Stand-up of East, today*: skipped."
    assert [e["text"]["text"] for e in elements] == ["Answer"]
    with engine.connect() as conn:
        assert conn.execute(select(StandupAnswer.skipped)).scalar_one() is True
    assert not slack.stub.of("response")  # no prompt to replace


def test_out_of_office_from_the_home_tab(
        slack: Client, team: Chat, clock: Clock, engine: Engine) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # before the prompt
    open_home(slack, "UMIA")
    away = standup_of(published(slack)[1])[1][2]
    home_click(slack, "UMIA", away["action_id"], away["value"], "home_standup_actions")
    form = slack.opened_view()
    assert form["callback_id"] == "standup_ooo_form"
    status, body = slack.submit("UMIA", fill(form, 5, end="2026-11-27"))
    assert status == 200 and body == ""
    line, elements = standup_of(published(slack, 2)[1])
    assert line == "*Stand-up of East, today*: you are out of office."
    assert elements == []
    with engine.connect() as conn:
        assert conn.execute(select(OutOfOffice.start_day, OutOfOffice.end_day)).one() == (
            date(2026, 11, 23), date(2026, 11, 27))
