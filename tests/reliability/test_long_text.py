"""Over-long slash command text (issue 14.5), sent signed over HTTP as Slack would: refused
before parsing with the limit stated, nothing written, and the next command answered."""

from __future__ import annotations

from sqlalchemy import Engine

from commands.core.limits import COMMAND_TEXT
from tests.bot.http_helpers import Client
from tests.reliability.helpers import snapshot


def test_over_long_command_text_is_refused_and_writes_nothing(slack: Client,
                                                              engine: Engine) -> None:
    slack.command("UALICE", "/visit", '"Acme Corp" Intro')
    before = snapshot(engine)
    # well above the limit, well below any request-body cap (Slack's payloads are small)
    status, _ = slack.command("UALICE", "/visit", '"Acme Corp" ' + "x" * 20_000)
    assert status == 200
    refusal = slack.replies(2)[1]
    assert f"the limit is {COMMAND_TEXT:,}" in refusal and "20,012 characters" in refusal
    assert snapshot(engine) == before
    slack.command("UALICE", "/visit", '"Acme Corp" Follow-up')
    assert "Logged a visit to *Acme Corp*" in slack.replies(3)[2]
