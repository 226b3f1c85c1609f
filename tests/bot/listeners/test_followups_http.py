"""Follow-up buttons over signed HTTP, as Slack sends them: a click on an ephemeral
`/followups` list and on the morning DM each redraw that message at its response_url."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot.dispatch import Deps
from bot.render.base import render
from commands.followups.schedule import view_follow_up
from jobs.followups import FollowUpReminder
from storage.models import FollowUp
from tests.bot.http_helpers import Client, running_app
from tests.conftest import NOW


@pytest.fixture
def http(deps: Deps, engine: Engine) -> Iterator[Client]:
    with running_app(deps, engine) as client:
        yield client


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] if b["type"] == "section" else b["elements"][0]["text"]
            for b in blocks if b["type"] in ("section", "context")]


def test_done_on_an_ephemeral_list_redraws_the_list(http: Client, deps: Deps) -> None:
    http.command("UALICE", "/visit", '"Acme Corp" next:"send quote" by:friday Met the CTO')
    http.command("UALICE", "/visit", '"Globex" next:"call back" by:tuesday Left a message')
    http.command("UALICE", "/followups", "all")
    http.replies(3)
    listing = http.stub.of("response")[2].body
    block_ids = [b["block_id"] for b in listing["blocks"] if b["type"] == "actions"]
    assert "followup_1|all" in block_ids
    status, _ = http.click("UALICE", "followup_done", "1", block_id="followup_1|all")
    assert status == 200
    http.replies(4)
    redrawn = http.stub.of("response")[3].body
    assert redrawn["replace_original"] is True
    shown = texts(redrawn["blocks"])
    assert shown[0] == ":white_check_mark: *F-1* done: send quote · Acme Corp."
    assert shown[1] == "*Your open follow-ups* (1):"
    assert not any("*F-1*" in line for line in shown[1:])


def test_done_on_the_morning_dm_redraws_the_dm(http: Client, deps: Deps) -> None:
    http.command("UALICE", "/visit", '"Acme Corp" next:"send quote" by:friday Met the CTO')
    http.replies(1)
    with deps.session_factory() as session:
        items = tuple(view_follow_up(f, NOW) for f in session.scalars(select(FollowUp)))
    dm = render(FollowUpReminder("Alice", "UALICE", NOW.astimezone(UTC).date(), items)
                ).as_message()
    dm.pop("response_type")
    message = {**dm, "type": "message", "ts": "1795000000.000100", "user": "UBOT"}
    status, _ = http.click("UALICE", "followup_done", "1", block_id="followup_1",
                           channel="DALICE", message=message)
    assert status == 200
    http.replies(2)
    redrawn = http.stub.of("response")[1].body
    assert redrawn["replace_original"] is True
    shown = texts(redrawn["blocks"])
    assert shown[0].startswith(":spiral_note_pad: Good morning Alice!")
    assert ":white_check_mark: *F-1* ~send quote~ · Acme Corp — done" in shown
    reopen = [e["action_id"] for b in redrawn["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert reopen == ["followup_keep_open"]
