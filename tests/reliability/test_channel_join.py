"""Joining a team's public channel does not make an outsider one of its reps (who would
then read its figures and deal cards, and take a share of its targets): only being added
to the channel by a manager of the team or an admin does. East: mia (admin, its manager),
reps alice and bob; nia is in no team."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from storage.models import Member
from tests.bot.http_helpers import Client
from tests.conftest import Chat


def join(slack: Client, n: int, inviter: str | None) -> str:
    """nia joins #east (added by `inviter`, or by herself); what she is told."""
    event = {"type": "member_joined_channel", "user": "UNIA", "channel": "C0EAST",
             "channel_type": "C", "team": "T0TEST"}
    if inviter is not None:
        event["inviter"] = inviter
    status, _ = slack.post(json.dumps({
        "token": "legacy", "team_id": "T0TEST", "api_app_id": "A0SALES",
        "type": "event_callback", "event_id": f"Ev{n}", "event_time": 1_700_000_000,
        "event": event}), content_type="application/json")
    assert status == 200
    calls = slack.stub.wait_for(lambda c: len([x for x in c if x.method ==
                                               "chat.postEphemeral"]) >= n)
    return str([c for c in calls if c.method == "chat.postEphemeral"][n - 1].body["text"])


def nias_team(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(Member.team_id).where(Member.slack_user_id == "UNIA")
                            ).scalar_one()


@pytest.mark.parametrize("inviter", [None, "UALICE", "USTRANGER"])
def test_joining_a_teams_channel_unasked_does_not_make_one_its_rep(
        team: Chat, slack: Client, engine: Engine, inviter: str | None) -> None:
    slack.stub.add_user("UNIA", "Nia", "Asia/Shanghai")
    told = join(slack, 1, inviter)
    assert told == ("This is East's channel. To join East, ask @mia to add you: "
                    "`/sales team add @Nia`.")
    assert nias_team(engine) is None
    # once a manager adds her, she is one
    assert join(slack, 2, "UMIA").startswith("Welcome to East! You are now one of its reps.")
    assert nias_team(engine) is not None
