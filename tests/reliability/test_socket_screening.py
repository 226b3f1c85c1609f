"""Socket Mode envelopes are screened as requests over HTTP are (bot/edge.py): an empty
team id, an over-long user or trigger id, a form's private metadata that is not text, or a
NUL typed into a command is refused before Bolt sees it, and nothing is written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from storage.models import Activity, Workspace
from tests.bot.http_helpers import count
from tests.reliability.socket_helpers import Salesbot


def _command(bot: Salesbot, n: int, **fields: Any) -> dict[str, Any]:
    envelope = bot.socket_mode.slash_command(
        "UALICE", "/visit", '"Acme Corp" Met the CTO', trigger=f"{n}.trigger",
        response_url=bot.slack.response_url(n))
    envelope["payload"].update(fields)
    return envelope


def test_socket_mode_envelopes_are_screened_like_http_requests(
        salesbot: Salesbot, engine: Engine) -> None:
    stub = salesbot.socket_mode
    junk = [
        _command(salesbot, 1, team_id=""),
        _command(salesbot, 2, user_id="U" * 10_000),
        _command(salesbot, 3, trigger_id="9" * 10_000),
        _command(salesbot, 4, text=["not", "text"]),
        stub.interactive({
            "type": "view_submission", "team": {"id": "T0TEST"},
            "user": {"id": "UALICE", "team_id": "T0TEST"}, "trigger_id": "5.trigger",
            "view": {"id": "VFORM", "callback_id": "visit_form",
                     "private_metadata": {"not": "what salesbot wrote"},
                     "state": {"values": {}}}}),
        stub.events_api({"type": "app_home_opened", "user": "U" * 10_000, "tab": "home"},
                        event_id="Ev1"),
    ]
    for envelope in junk:
        acked = stub.wait_ack(stub.send(envelope))
        assert acked.payload is None, acked  # acknowledged (not sent again), nothing done
    nul = stub.wait_ack(stub.send(_command(salesbot, 6, text='"Acme Corp" Met\x00 the CTO')))
    assert nul.payload is not None and "NUL" in nul.payload["text"], nul
    with engine.connect() as conn:
        assert conn.execute(select(Workspace.slack_team_id)).scalars().all() == []
    assert not any(c.method == "views.publish" for c in salesbot.slack.calls)
    # the same command, well formed, is taken
    fine = stub.wait_ack(stub.send(_command(salesbot, 7)))
    assert fine.payload is not None and "Acme Corp" in fine.payload["text"], fine
    assert count(engine, Activity) == 1
