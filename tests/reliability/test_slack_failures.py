"""Slack answers a scheduled post with 500 or 429: retried on later ticks, never posted twice,
given up after the last try and listed by `salesbot deliveries --failed`. Slack answering
after the client gave up: posted once, listed as unconfirmed. A team channel refusing the
bot's posts for good: its managers are told once, with the fix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.cli import cli
from bot.notifier import SlackNotifier
from commands.core.errors import UserFacingError
from jobs.standup import StandupSource
from jobs.ticker import Ticker
from storage.models import DeliveryStatus
from tests.bot.helpers import FakeTime
from tests.conftest import Chat
from tests.jobs.recording import deliveries, utc
from tests.reliability.helpers import snapshot
from tests.slack_stub import SlackStub

AT = utc(2026, 11, 23, 1, 30)  # Monday 09:30 in Shanghai: prompts to mia, alice, bob (in order)


class CountingNotifier:
    """The real Slack notifier, counting the posts Slack accepted per channel."""

    def __init__(self, inner: SlackNotifier) -> None:
        self.inner = inner
        self.accepted: Counter[str] = Counter()

    def dm_channel(self, user_id: str) -> str:
        return self.inner.dm_channel(user_id)

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        ts = self.inner.send(to, message, thread_ts)
        self.accepted[to] += 1
        return ts


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as s:
        yield s


pytestmark = pytest.mark.usefixtures("clean_env")


def standup_ticker(team: Chat, stub: SlackStub) -> Ticker:
    """East's stand-up set for 09:30 on weekdays, and a ticker posting it to the stub through
    the real notifier (whose waits only move a fake clock)."""
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    time_ = FakeTime()
    notifier = SlackNotifier.connect("xoxb-test", stub.api_url, sleep=time_.sleep,
                                     clock=time_.clock, channel_interval=0)
    return Ticker(team.deps.session_factory, notifier, [StandupSource()])


def test_slack_errors_are_retried_on_later_ticks_never_doubled_then_given_up(
        team: Chat, db_url: str, stub: SlackStub) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    time_ = FakeTime()
    notifier = CountingNotifier(SlackNotifier.connect(
        "xoxb-test", stub.api_url, sleep=time_.sleep, clock=time_.clock, channel_interval=0))
    ticker = Ticker(team.deps.session_factory, notifier, [StandupSource()])
    posts = stub.failures
    rows = lambda: {k.split(":")[2]: r for k, r in  # noqa: E731 - member id -> delivery
                    deliveries(team.deps.session_factory).items()}

    # mia's prompt gets a 500; alice's a 429 longer than the notifier waits in-process; bob's
    # a short 429, slept through (on the fake clock) and posted at once.
    posts["chat.postMessage"] = [(500, {}), (429, {"Retry-After": "120"}),
                                 (429, {"Retry-After": "2"})]
    report = ticker.tick(AT)
    assert len(report.retrying) == 2 and len(report.sent) == 1
    assert time_.slept == [2.0]
    assert rows()["2"].next_attempt_at == AT + timedelta(seconds=120)  # Retry-After honoured
    posts["chat.postMessage"] = [(500, {})]
    ticker.tick(AT + timedelta(minutes=1))  # mia, try 2: fails again, waits 2 minutes
    ticker.tick(AT + timedelta(minutes=2))  # alice, try 2: posted
    posts["chat.postMessage"] = [(500, {})]
    ticker.tick(AT + timedelta(minutes=3))  # mia, try 3: fails, waits 4 minutes
    posts["chat.postMessage"] = [(503, {})]
    report = ticker.tick(AT + timedelta(minutes=7))  # mia, try 4: the last
    assert len(report.failed) == 1
    for minute in range(8, 25):  # nothing more is ever sent for these prompts
        assert not ticker.tick(AT + timedelta(minutes=minute)).sent

    assert notifier.accepted == {"UALICE": 1, "UBOB": 1}  # a first DM goes to the user id
    tried = Counter(c.body["channel"] for c in stub.of("chat.postMessage"))
    assert tried == {"UMIA": 4, "UALICE": 2, "UBOB": 2}
    final = rows()
    assert (final["1"].status, final["1"].attempts) == (DeliveryStatus.FAILED, 4)
    assert (final["2"].status, final["2"].attempts) == (DeliveryStatus.SENT, 2)
    assert (final["3"].status, final["3"].attempts) == (DeliveryStatus.SENT, 1)

    listed = CliRunner().invoke(cli, ["deliveries", "--failed", "--database-url", db_url])
    assert listed.exit_code == 0, listed.output
    [header, row] = listed.output.splitlines()
    assert "last error" in header
    assert row.split() == ["2026-11-23", "01:30", "standup_prompt", "member:1", "(mia)",
                           "2026-11-23", "failed", "4", "ratelimited"]


def test_a_retry_waiting_on_slack_is_listed_as_pending(
        team: Chat, db_url: str, stub: SlackStub) -> None:
    ticker = standup_ticker(team, stub)
    stub.failures["chat.postMessage"] = [(429, {"Retry-After": "600"})]
    ticker.tick(AT)
    listed = CliRunner().invoke(cli, ["deliveries", "--failed", "--database-url", db_url])
    [_, row] = listed.output.splitlines()
    assert row.split()[6:8] == ["retrying", "1"] and "rate limited" in row
    for minute in range(1, 10):  # Slack asked for ten minutes of quiet: it gets them
        assert not ticker.tick(AT + timedelta(minutes=minute)).sent
    assert ticker.tick(AT + timedelta(minutes=10)).sent
    assert len(stub.of("chat.postMessage")) == 4  # three prompts, one of them tried twice
    empty = CliRunner().invoke(cli, ["deliveries", "--failed", "--database-url", db_url])
    assert "No failed deliveries." in empty.output


def test_a_post_slack_answers_after_the_client_gave_up_is_made_once(
        team: Chat, db_url: str, stub: SlackStub) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    time_ = FakeTime()
    # Slack posts each prompt, and answers after the client's timeout (30 s in production,
    # 0.2 s here); the notifier's own retry on a dropped connection must not repost either.
    notifier = SlackNotifier.connect("xoxb-test", stub.api_url, timeout=0.2,
                                     sleep=time_.sleep, clock=time_.clock, channel_interval=0)
    ticker = Ticker(team.deps.session_factory, notifier, [StandupSource()])
    stub.slow["chat.postMessage"] = 3
    report = ticker.tick(AT)
    assert sorted(report.unconfirmed) == sorted(report.sent) and len(report.sent) == 3
    for minute in range(1, 30):  # later ticks (until the 10:00 reminders): nothing again
        assert not ticker.tick(AT + timedelta(minutes=minute)).sent
    posted = Counter(c.body["channel"] for c in stub.of("chat.postMessage"))
    assert posted == {"UMIA": 1, "UALICE": 1, "UBOB": 1}  # exactly one post each
    rows = deliveries(team.deps.session_factory)
    assert {(r.status, r.attempts) for r in rows.values()} == {(DeliveryStatus.SENT, 1)}

    listed = CliRunner().invoke(cli, ["deliveries", "--failed", "--database-url", db_url])
    lines = listed.output.splitlines()[1:]
    assert len(lines) == 3
    for line in lines:
        assert line.split()[6:8] == ["sent?", "1"] and "unconfirmed: no answer from Slack" in line


def test_a_team_channel_refusing_posts_is_told_to_its_managers_once_with_the_fix(
        team: Chat, db_url: str, stub: SlackStub) -> None:
    ticker = standup_ticker(team, stub)
    stub.refusing["C0EAST"] = "not_in_channel"  # salesbot was removed from #east
    for minute in range(0, 2 * 24 * 60, 10):  # two days of ticks: two summaries refused
        ticker.tick(AT + timedelta(minutes=minute))

    refused = [c for c in stub.of("chat.postMessage") if c.body["channel"] == "C0EAST"]
    assert len(refused) == 2  # Monday's and Tuesday's summaries, each tried once
    told = [c for c in stub.of("chat.postMessage") if "could not post" in c.body["text"]]
    assert [c.body["channel"] for c in told] == ["DUMIA"]  # once, to East's manager
    [notice] = told
    assert "salesbot is not a member of <#C0EAST>" in notice.body["text"]
    assert "/invite @salesbot" in notice.body["text"]
    assert '/sales team channel team:"East"' in notice.body["text"]

    # The fix the notice gives: the team now uses another channel, and its summary goes there.
    said = team.say("mia", '/sales team channel team:"East"', channel="C0NEW")
    assert "East now uses this channel" in said
    for minute in range(0, 6 * 60, 10):  # Wednesday
        ticker.tick(AT + timedelta(days=2, minutes=minute))
    assert [c.body["channel"] for c in stub.of("chat.postMessage")
            if c.body["channel"].startswith("C")][-1] == "C0NEW"


def test_only_a_manager_or_an_admin_moves_a_team_to_a_free_channel(
        team: Chat, engine: Engine) -> None:
    team.say("mia", '/sales team create "West"', channel="C0WEST")
    before = snapshot(engine)
    refusals = {("alice", "/sales team channel", "C0NEW"): "Only a manager of East",
                ("mia", '/sales team channel team:"East"', "C0WEST"): "already belongs to West",
                ("mia", '/sales team channel team:"East"', "DUMIA"): "the channel the team"}
    for (user, line, channel), expected in refusals.items():
        with pytest.raises(UserFacingError, match=expected):
            team.say(user, line, channel=channel)
    assert snapshot(engine) == before
    assert "East now uses this channel" in team.say("mia", "/sales team channel team:East",
                                                    channel="C0NEW")
    assert "Team East" in team.say("alice", "/sales team", channel="C0NEW")
