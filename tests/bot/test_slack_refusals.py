"""When Slack refuses a call salesbot makes for a user, the user is told what happened."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.render.home import HOME_LOG_VISIT
from storage.models import Activity
from tests.bot.http_helpers import Client, count, home_click


def test_a_form_slack_gave_up_on_asks_the_user_to_try_again(
        slack: Client, engine: Engine) -> None:
    slack.stub.refusals["views.open"] = "expired_trigger_id"
    status, _ = slack.command("UALICE", "/visit", "")
    assert status == 200
    [reply] = slack.replies(1)
    assert "try again" in reply and "form" in reply
    assert "went wrong on our side" not in reply
    assert slack.stub.of("response")[0].body["response_type"] == "ephemeral"
    assert count(engine, Activity) == 0
    # the next try (a new trigger) opens the form
    del slack.stub.refusals["views.open"]
    slack.command("UALICE", "/visit", "")
    assert slack.opened_view()["callback_id"]


def test_the_home_tab_form_slack_gave_up_on_says_so_in_a_dm(
        slack: Client) -> None:
    # a Home tab button has no channel and no response_url: the word comes as a DM
    slack.stub.refusals["views.open"] = "expired_trigger_id"
    status, _ = home_click(slack, "UALICE", HOME_LOG_VISIT)
    assert status == 200
    calls = slack.stub.wait_for(lambda c: any(x.method == "chat.postMessage" for x in c))
    [dm] = [c for c in calls if c.method == "chat.postMessage"]
    assert dm.body["channel"] == "UALICE"
    assert "try again" in dm.body["text"] and "went wrong on our side" not in dm.body["text"]


@pytest.mark.parametrize(("error", "said"), [
    ("ratelimited", "slow down"), ("missing_scope", "reinstall"),
    ("some_new_error", "Slack refused what salesbot asked of it (some_new_error)"),
])
def test_other_refusals_say_what_slack_said(
        slack: Client, error: str, said: str) -> None:
    slack.stub.refusals["views.open"] = error
    slack.command("UALICE", "/visit", "")
    [reply] = slack.replies(1)
    assert said in reply and "went wrong on our side" not in reply
