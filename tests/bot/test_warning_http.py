"""The warning message's buttons, as Slack sends them, to the running app: Acknowledge,
Snooze (with its form), and who may press them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.render import render
from jobs.ticker import Ticker
from jobs.warnings import WarningPost, WarningSource
from storage.models import WarningState
from tests.bot.http_helpers import Client
from tests.conftest import Chat, Clock
from tests.helpers import team_id
from tests.jobs.recording import RecordingNotifier, past_first_check

MON_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def warned(team: Chat, clock: Clock) -> dict[str, Any]:
    """East is behind pace and alice's deal D-1 is idle; the 10:00 check has posted both.
    Returns the posted message as Slack shows it to the app (text, blocks, ts)."""
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # the target is set as November begins
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k')
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:150k')
    team.say("bob", "/deal D-2 won")
    team.say("mia", "/sales config warnings off:activity_shortfall,coverage_gap,tier_cadence")
    past_first_check(team.deps.session_factory)
    notifier = RecordingNotifier()
    Ticker(team.deps.session_factory, notifier, [WarningSource()]).tick(MON_10)
    [sent] = notifier.sent
    assert isinstance(sent.message, WarningPost)
    reply = render(sent.message)
    clock.now = MON_10 + timedelta(hours=1)
    return {"ts": sent.ts, "text": reply.text, "blocks": [b.to_dict() for b in reply.blocks]}


def click(slack: Client, user: str, action_id: str, value: str, message: dict[str, Any],
          trigger: str) -> None:
    status, _ = slack.click(user, action_id, value, block_id=f"warning:{value.partition(':')[2]}",
                            message=message, trigger=trigger)
    assert status == 200


def buttons(blocks: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {b["block_id"]: [e["action_id"] for e in b["elements"]]
            for b in blocks if b["type"] == "actions"}


def state(team: Chat, key: str) -> WarningState:
    with team.deps.session_factory() as session:
        found = session.scalar(select(WarningState).where(WarningState.key == key))
        assert found is not None
        return found


def test_the_message_names_the_owner_and_offers_snooze_and_acknowledge(
        warned: dict[str, Any], team: Chat) -> None:
    tid = team_id(team)
    assert buttons(warned["blocks"])[f"warning:behind_pace:team:{tid}"] == [
        "warning_snooze_day", "warning_snooze_week", "warning_ack", "warning_create_action"]
    deal = next(b["text"]["text"] for b in warned["blocks"] if b["type"] == "section"
                and "D-1 Acme renewal" in b["text"]["text"])
    assert "<@UALICE>" in deal and "*Fix:*" in deal and "Stale deal" in deal
    value = next(e["value"] for b in warned["blocks"] if b["type"] == "actions"
                 for e in b["elements"] if e["action_id"] == "warning_ack")
    assert value.partition(":")[0] == str(tid)


def test_a_manager_acknowledges_and_the_message_says_who(
        slack: Client, warned: dict[str, Any], team: Chat, clock: Clock) -> None:
    key = f"behind_pace:team:{team_id(team)}"
    click(slack, "UMIA", "warning_ack", f"{team_id(team)}:{key}", warned, "1.ack")
    calls = slack.stub.wait_for(lambda c: any(x.method == "response" for x in c))
    [response] = [c.body for c in calls if c.method == "response"]
    assert response["replace_original"] is True
    blocks = response["blocks"]
    assert f"warning:{key}" not in buttons(blocks)  # its buttons are gone...
    note = next(b for b in blocks if b.get("block_id") == f"warning:{key}")
    assert note["elements"][0]["text"] == ":white_check_mark: Acknowledged by <@UMIA>"
    assert "warning:stale_deal:deal:D-1" in buttons(blocks)  # ...the others' stay
    row = state(team, key)
    assert (row.acknowledged_at, row.acknowledged_by_id is not None) == (clock.now, True)


def test_someone_else_is_refused_privately_and_nothing_changes(
        slack: Client, warned: dict[str, Any], team: Chat) -> None:
    tid = team_id(team)
    click(slack, "UBOB", "warning_ack", f"{tid}:stale_deal:deal:D-1", warned, "2.ack")
    [refusal] = slack.replies(1)
    assert "Only a manager of East, an admin or the person the warning is about" in refusal
    assert slack.stub.of("response")[0].body.get("replace_original") is False
    click(slack, "UBOB", "warning_snooze_day", f"{tid}:behind_pace:team:{tid}", warned,
          "3.snooze")
    assert len(slack.replies(2)) == 2
    assert slack.stub.of("views.open") == []
    assert state(team, "stale_deal:deal:D-1").acknowledged_at is None
    assert state(team, f"behind_pace:team:{tid}").snoozed_until is None


def test_the_owner_snoozes_their_deal_for_a_week_with_a_reason(
        slack: Client, warned: dict[str, Any], team: Chat, clock: Clock) -> None:
    tid = team_id(team)
    click(slack, "UALICE", "warning_snooze_week", f"{tid}:stale_deal:deal:D-1", warned,
          "4.snooze")
    view = slack.opened_view()
    assert view["callback_id"] == "warning_snooze_form"
    assert "D-1 Acme renewal" in view["blocks"][0]["text"]["text"]
    view["id"], view["hash"] = "V20", "h20"
    view["state"] = {"values": {"reason": {"reason": {"type": "plain_text_input",
                                                      "value": "Customer on holiday"}}}}
    status, body = slack.submit("UALICE", view, trigger="5.view")
    assert status == 200 and body == ""
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postEphemeral" for x in c))
    confirm = next(c for c in calls if c.method == "chat.postEphemeral").body
    assert confirm["channel"] == "C0EAST" and confirm["user"] == "UALICE"
    # in alice's own timezone (Los Angeles)
    assert "Snoozed until Sun 29 Nov 19:00" in confirm["text"]
    assert "Customer on holiday" in confirm["text"]
    row = state(team, "stale_deal:deal:D-1")
    assert (row.snoozed_until, row.snooze_reason) == (clock.now + timedelta(days=7),
                                                      "Customer on holiday")
