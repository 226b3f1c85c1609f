"""Slack needs an acknowledgement within 3 seconds, also when the command is then refused."""

from __future__ import annotations

import pytest

from tests.bot.http_helpers import Client


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_refused_command_is_still_acknowledged_at_once(slack: Client) -> None:
    for n in range(1, 6):  # it is a race the acknowledgement usually loses; try a few times
        # A lost acknowledgement shows as Bolt's 404 "unhandled request" after its timeout.
        status, body = slack.command("UALICE", "/deal",
                                     'new "X" customer:"Acme Corp" amount:12x')
        assert "not an amount" in slack.replies(n)[-1]  # the user was told, privately
        assert status == 200, f"answered {status} {body}"
