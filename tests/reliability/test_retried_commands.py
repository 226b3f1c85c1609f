"""A slash command applied, whose answer never reached the user (the process died after the
commit, or Slack gave up waiting), is delivered again by Slack: the retry applies nothing
and answers with what the first delivery did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from bot.listeners.commands import command_answer
from tests.bot.http_helpers import Client
from tests.conftest import NOW, Chat
from tests.reliability.helpers import counts, snapshot


def visit_body(client: Client, trigger: str) -> dict[str, Any]:
    return {"token": "legacy", "team_id": "T0TEST", "channel_id": "C0EAST",
            "user_id": "UALICE", "user_name": "alice", "command": "/visit",
            "text": '"Acme Corp" Met the CTO, wants pricing', "api_app_id": "A0SALES",
            "response_url": client.stub.response_url(90), "trigger_id": trigger}


def test_a_command_retried_after_its_commit_answers_with_what_it_did(
        team: Chat, slack: Client, engine: Engine) -> None:
    # The first delivery ran to its commit, and its answer was lost with the process.
    body = visit_body(slack, "90.crashed")
    first = command_answer(team.deps, body, NOW)
    assert first is not None and "Acme Corp" in first.message["text"]
    after_first = snapshot(engine)
    # Slack retries the command (same trigger_id) a moment later, to a live instance.
    status, _ = slack.command("UALICE", "/visit", body["text"], trigger="90.crashed")
    assert status == 200
    [again] = slack.replies(1)
    assert again.startswith("Already done") and "Acme Corp" in again
    assert again.endswith(first.message["text"])
    assert counts(snapshot(engine)) == counts(after_first)  # nothing applied twice


def test_a_command_delivered_three_times_answers_each_time_and_logs_once(
        team: Chat, engine: Engine, slack: Client) -> None:
    body = visit_body(slack, "91.thrice")
    answers = [command_answer(team.deps, body, NOW + timedelta(seconds=n)) for n in range(3)]
    texts = [a.message["text"] for a in answers if a is not None]
    assert len(texts) == 3
    assert texts[1] == texts[2] == f"Already done (Slack sent this command again): {texts[0]}"
    blocks = answers[1].message["blocks"] if answers[1] is not None else []
    assert blocks[0]["type"] == "context"  # the note shows above the reply's blocks too
    rows = snapshot(engine)
    assert len([r for r in rows["activity"] if "wants pricing" in " ".join(r)]) == 1
