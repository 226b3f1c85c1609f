"""In-process listener tests: a recording fake of what Slack hands a listener (ack, respond
and the Web API client), keeping one transcript of every call, and request bodies as Slack
sends them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from jobs.ticker import Ticker
from jobs.warnings import WarningSource
from storage.models import Team
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, past_first_check

TEAM = "T0TEST"
CHANNEL = "C0EAST"


@dataclass(frozen=True)
class Call:
    """One call a listener made: `ack`, `respond`, or a Web API method like `views.open`."""

    method: str
    args: dict[str, Any]


@dataclass
class FakeSlack:
    """The recording fake: `ack`, `respond` and `client` append to one transcript."""

    calls: list[Call] = field(default_factory=list)

    def ack(self, **args: Any) -> None:
        self.calls.append(Call("ack", args))

    def respond(self, **args: Any) -> None:
        self.calls.append(Call("respond", args))

    @property
    def client(self) -> Any:
        return _Client(self)

    def of(self, method: str) -> list[dict[str, Any]]:
        """The arguments of every call to `method`, in order."""
        return [c.args for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]


class _Client:
    """Web API methods by their Python names (views_open); each is recorded as Slack names
    it (views.open) and answers ok."""

    def __init__(self, slack: FakeSlack) -> None:
        self._slack = slack

    def __getattr__(self, name: str) -> Any:
        def call(**args: Any) -> dict[str, Any]:
            self._slack.calls.append(Call(name.replace("_", "."), args))
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        return call


@pytest.fixture
def slack() -> FakeSlack:
    return FakeSlack()


@pytest.fixture
def here() -> Iterator[ThreadPoolExecutor]:
    """Threads to run slash commands on, as bot.listeners.commands.register makes them."""
    pool = ThreadPoolExecutor(max_workers=2)
    yield pool
    pool.shutdown(wait=True)


def command(user: str, name: str, text: str, trigger: str = "1.cmd") -> dict[str, Any]:
    """A slash command's body."""
    return {"team_id": TEAM, "user_id": user, "user_name": user.lower(), "channel_id": CHANNEL,
            "command": f"/{name}", "text": text, "trigger_id": trigger,
            "response_url": "https://hooks.slack.test/commands/1"}


def button(user: str, action_id: str, value: str, trigger: str = "1.click"
           ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A button click in a channel message: its body and its action."""
    action = {"action_id": action_id, "value": value, "type": "button"}
    body = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user},
            "channel": {"id": CHANNEL}, "trigger_id": trigger, "actions": [action],
            "response_url": "https://hooks.slack.test/actions/1"}
    return body, action


def submission(user: str, form: Any, state: dict[str, dict[str, Any]], view_id: str = "V1"
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A form as built by bot.views, submitted with `state` ({block_id: element state}):
    the body and the view."""
    view = {**form.to_dict(), "id": view_id, "hash": "h1",
            "state": {"values": {block: {block: element} for block, element in state.items()}}}
    body = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user},
            "view": view, "trigger_id": "1.view"}
    return body, view


def text_input(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def date_input(value: str) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def select_input(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def texts(message: dict[str, Any]) -> str:
    """A message's words: its text and its blocks' texts."""
    return f"{message.get('text', '')} {json.dumps(message.get('blocks', []))}"


@pytest.fixture
def stale_deal_warned(team: Chat, clock: Clock) -> str:
    """alice's deal D-1 has been idle since October and the 10:00 check posted its warning;
    returns the value its buttons carry."""
    clock.now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k')
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    team.say("mia", "/sales config warnings off:activity_shortfall,coverage_gap,tier_cadence,"
                    "behind_pace")
    past_first_check(team.deps.session_factory)
    Ticker(team.deps.session_factory, RecordingNotifier(), [WarningSource()]).tick(
        datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    clock.now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    with team.deps.session_factory() as session:
        team_id = session.scalar(select(Team.id))
    return f"{team_id}:stale_deal:deal:D-1"
