"""Scheduled posts per workspace: each with its own notifier (its own token), none in a
workspace that uninstalled salesbot, not even a retry."""

from __future__ import annotations

from datetime import timedelta

from bot.dispatch import Deps
from jobs.notify import Notifier, SendFailed
from jobs.standup import StandupSource
from jobs.ticker import Ticker
from jobs.tokens import NotifiersByToken, SingleToken
from storage import repo
from storage.models import DeliveryStatus
from tests.conftest import Chat
from tests.jobs.recording import RecordingNotifier, deliveries, utc

PROMPT_AT = utc(2026, 11, 23, 1, 30)  # Monday 09:30 in Shanghai


class Tokens:
    """A TokenSource whose tokens the test changes."""

    def __init__(self, **tokens: str) -> None:
        self.tokens = tokens

    def bot_token(self, slack_team_id: str) -> str | None:
        return self.tokens.get(slack_team_id)


def two_workspaces(team: Chat) -> Chat:
    """T0TEST's team East (3 people) and T0OTHER's (1), both with a 09:30 stand-up."""
    other = Chat(team.deps, team_id="T0OTHER")
    other.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    for chat in (team, other):
        chat.say("mia", "/standup config time:09:30 days:mon-fri")
    return other


def test_each_workspace_posts_through_its_own_notifier(team: Chat, deps: Deps) -> None:
    two_workspaces(team)
    made: dict[str, RecordingNotifier] = {}

    def connect(token: str) -> Notifier:
        made[token] = RecordingNotifier()
        return made[token]

    tokens = Tokens(T0TEST="xoxb-test", T0OTHER="xoxb-other")
    ticker = Ticker(deps.session_factory, NotifiersByToken(tokens, connect),
                    [StandupSource()])
    assert len(ticker.tick(PROMPT_AT).sent) == 4
    assert {t: len(n.sent) for t, n in made.items()} == {"xoxb-test": 3, "xoxb-other": 1}
    tokens.tokens["T0OTHER"] = "xoxb-rotated"  # a new token: a new client
    pool = ticker.notifier
    assert isinstance(pool, NotifiersByToken)
    assert pool.for_workspace("T0OTHER") is made["xoxb-rotated"]
    assert pool.for_workspace("T0TEST") is made["xoxb-test"]
    assert pool.for_workspace("T0NONE") is None


def test_an_uninstalled_workspace_is_not_retried(team: Chat, deps: Deps) -> None:
    notifier = RecordingNotifier()
    notifier.failures = [SendFailed("internal_error")]
    ticker = Ticker(deps.session_factory, notifier, [StandupSource()])
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    report = ticker.tick(PROMPT_AT)
    assert len(report.retrying) == 1 and len(report.sent) == 2
    with deps.session_factory.begin() as session:
        repo.workspaces.set_active(session, "T0TEST", False)
    later = ticker.tick(PROMPT_AT + timedelta(minutes=5))
    assert later.skipped == report.retrying and later.sent == []
    [skipped] = [d for d in deliveries(deps.session_factory).values()
                 if d.status == DeliveryStatus.SKIPPED]
    assert skipped.last_error == "the workspace uninstalled salesbot"
    assert len(notifier.sent) == 2


def test_single_workspace_mode_uses_the_one_token() -> None:
    assert SingleToken("xoxb-1").bot_token("T0ANY") == "xoxb-1"
