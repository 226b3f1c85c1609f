"""A button whose value salesbot did not write (an old message, an altered payload) gets a
clear private answer and changes nothing: never "Something went wrong"."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.listeners.base import STALE_BUTTON
from tests.bot.http_helpers import Client
from tests.reliability.helpers import changed_tables, snapshot

CLICKS = [
    ("deal_won", "abc"),
    ("deal_won", "2026-11-20"),
    ("deal_won", "99999999999"),  # past PostgreSQL's integer
    ("deal_advance", "one:qualified"),
    ("deal_advance", "99999999999:qualified"),
    ("deal_lost", "1e3"),
    ("deal_edit", "-1"),
    ("standup_skip", "not a date"),
    ("standup_answer", "2026-13-45"),
    ("standup_ooo", "D-1"),
]


@pytest.mark.parametrize(("action", "value"), CLICKS)
def test_a_button_with_a_value_salesbot_did_not_write_is_refused_clearly(
        slack: Client, engine: Engine, action: str, value: str) -> None:
    status, _ = slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" '
                                                 "amount:100k")
    assert status == 200
    before = snapshot(engine)
    status, _ = slack.click("UALICE", action, value, block_id="deal_actions")
    assert status == 200
    assert slack.replies(2)[-1] == f":warning: {STALE_BUTTON}"
    assert changed_tables(before, snapshot(engine)) == []


def test_a_warning_button_naming_a_team_past_any_id_is_refused_clearly(
        slack: Client, engine: Engine) -> None:
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:100k')
    before = snapshot(engine)
    status, _ = slack.click("UALICE", "warning_ack", "99999999999:behind_pace:member:1",
                            block_id="warning")
    assert status == 200
    assert slack.replies(2)[-1] == ":warning: That button does not name a warning any more."
    assert changed_tables(before, snapshot(engine)) == []
