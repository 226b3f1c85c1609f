"""The Slack notifier against the local stub Web API: Block Kit, DMs, 429s, pacing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.dispatch import Deps
from bot.notifier import ChannelPacer, SlackNotifier
from bot.render import render
from commands.standup.reports import PersonAnswer, PersonRef, StandupSummary
from jobs.digest import DigestSource
from jobs.notify import FileUpload, SendFailed
from jobs.sources import default_sources
from jobs.standup import BlockerFlag, StandupAnswerPost, StandupPrompt, StandupSummaryPost
from jobs.ticker import Ticker
from storage.models import DeliveryStatus
from tests.bot.helpers import FakeTime
from tests.conftest import Chat
from tests.jobs.recording import deliveries, utc
from tests.slack_stub import SlackStub

ALICE = PersonRef("UALICE", "alice")
PROMPT = StandupPrompt("East", date(2026, 11, 23), ALICE,
                       datetime(2026, 11, 23, 11, 30, tzinfo=UTC))
MONDAY_0830 = utc(2026, 11, 23, 8, 30)  # mia's weekly digest (she is on UTC)


@pytest.fixture(scope="module")
def _server() -> Iterator[SlackStub]:
    with SlackStub() as s:
        yield s


@pytest.fixture
def stub(_server: SlackStub) -> SlackStub:
    """One stub server for the module (stopping one takes half a second), reset per test."""
    _server.calls.clear()
    _server.failures.clear()
    return _server


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
def notifier(stub: SlackStub, time_: FakeTime) -> SlackNotifier:
    return SlackNotifier.connect("xoxb-test", stub.api_url, sleep=time_.sleep,
                                 clock=time_.clock)


def blocks_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = body["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def test_prompt_is_a_dm_with_answer_skip_and_out_of_office_buttons(
        stub: SlackStub, notifier: SlackNotifier) -> None:
    ts = notifier.send(notifier.dm_channel("UALICE"), PROMPT)
    [post] = stub.of("chat.postMessage")
    assert ts and post.body["channel"] == "UALICE"  # Slack posts it in the app's DM
    assert stub.of("conversations.open") == []  # no rate-limited open before a first DM
    assert notifier.dm_channel("UALICE") == "DUALICE"  # the DM's id, from Slack's answer
    assert "East" in post.body["text"] and "11:30" in post.body["text"]
    [actions] = [b for b in blocks_of(post.body) if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("standup_answer", "2026-11-23"), ("standup_skip", "2026-11-23"),
        ("standup_ooo", "2026-11-23")]


def test_later_dms_go_to_the_dm_channel_paced_as_one_channel_with_the_first(
        stub: SlackStub, notifier: SlackNotifier, time_: FakeTime) -> None:
    reminder = replace(PROMPT, reminder=True)
    notifier.send(notifier.dm_channel("UALICE"), PROMPT)
    notifier.send(notifier.dm_channel("UALICE"), reminder)
    notifier.send(notifier.dm_channel("UBOB"), PROMPT)
    assert [c.body["channel"] for c in stub.of("chat.postMessage")] == [
        "UALICE", "DUALICE", "UBOB"]
    assert time_.slept == [1.0]  # alice's reminder waited for her prompt; bob's did not
    assert stub.of("conversations.open") == []


def test_a_rate_limited_first_dm_is_retried_to_the_user_id(
        stub: SlackStub, notifier: SlackNotifier, time_: FakeTime) -> None:
    stub.failures["chat.postMessage"] = [(429, {"Retry-After": "3"})]
    ts = notifier.send(notifier.dm_channel("UALICE"), PROMPT)
    assert ts and time_.slept == [3.0]
    assert [c.body["channel"] for c in stub.of("chat.postMessage")] == ["UALICE", "UALICE"]
    assert notifier.dm_channel("UALICE") == "DUALICE"


def test_thread_replies_carry_the_thread_ts(stub: SlackStub, notifier: SlackNotifier) -> None:
    answer = PersonAnswer(ALICE, "met Acme", "demo", "none", utc(2026, 11, 23, 2))
    notifier.send("C0EAST", StandupAnswerPost("East", date(2026, 11, 23), answer), "7.000")
    assert stub.of("chat.postMessage")[0].body["thread_ts"] == "7.000"


def test_a_429_is_retried_after_its_retry_after(stub: SlackStub, notifier: SlackNotifier,
                                                time_: FakeTime) -> None:
    stub.failures["chat.postMessage"] = [(429, {"Retry-After": "3"})]
    ts = notifier.send("C0EAST", PROMPT)
    assert ts and time_.slept == [3.0]
    assert len(stub.of("chat.postMessage")) == 2


def test_a_long_retry_after_is_left_to_the_ticker(stub: SlackStub, notifier: SlackNotifier,
                                                   time_: FakeTime) -> None:
    stub.failures["chat.postMessage"] = [(429, {"Retry-After": "120"})]
    with pytest.raises(SendFailed) as failed:
        notifier.send("C0EAST", PROMPT)
    assert failed.value.retry_after == 120 and not failed.value.permanent
    assert time_.slept == []


def test_a_server_error_fails_the_send_for_a_later_retry(stub: SlackStub,
                                                         notifier: SlackNotifier) -> None:
    stub.failures["chat.postMessage"] = [(500, {})]
    with pytest.raises(SendFailed) as failed:
        notifier.send("C0EAST", PROMPT)
    assert not failed.value.permanent and failed.value.retry_after is None


def test_posts_to_one_channel_are_paced(stub: SlackStub, notifier: SlackNotifier,
                                        time_: FakeTime) -> None:
    for _ in range(3):
        notifier.send("C0EAST", PROMPT)
    notifier.send("C0WEST", PROMPT)
    assert time_.slept == [1.0, 1.0]  # the second and third post to C0EAST waited
    assert len(stub.of("chat.postMessage")) == 4


def test_pacer_does_not_wait_when_posts_are_already_apart(time_: FakeTime) -> None:
    pacer = ChannelPacer(1.0, sleep=time_.sleep, clock=time_.clock)
    pacer.wait("C1")
    time_.now += 5
    pacer.wait("C1")
    assert time_.slept == []


def test_a_rate_limited_prompt_is_retried_by_a_later_tick(
        stub: SlackStub, time_: FakeTime, team: Chat, deps: Deps) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    notifier = SlackNotifier.connect("xoxb-test", stub.api_url, sleep=time_.sleep,
                                     clock=time_.clock, channel_interval=0)
    ticker = Ticker(deps.session_factory, notifier, default_sources())
    stub.failures["chat.postMessage"] = [(429, {"Retry-After": "90"})]
    at = utc(2026, 11, 23, 1, 30)
    report = ticker.tick(at)
    assert len(report.sent) == 2 and len(report.retrying) == 1
    [key] = report.retrying
    row = deliveries(deps.session_factory)[key]
    assert row.status == DeliveryStatus.RETRYING and "rate limited" in (row.last_error or "")
    assert row.next_attempt_at == at + timedelta(seconds=90)
    assert ticker.tick(at + timedelta(minutes=1)).sent == []
    assert ticker.tick(at + timedelta(minutes=2)).sent == [key]
    assert len([c for c in stub.of("chat.postMessage") if c.body.get("text")]) == 4
    assert time_.slept == []
    assert stub.of("conversations.open") == []
    rows = deliveries(deps.session_factory).values()
    assert {r.channel for r in rows if r.kind == "standup_prompt"} == {
        "DUMIA", "DUALICE", "DUBOB"}  # each DM's id, as Slack answered the post to a user id


def test_summary_answer_and_flag_read_well() -> None:
    late = PersonAnswer(PersonRef("UBOB", "bob"), "calls", "visits", "no CRM access",
                        utc(2026, 11, 23, 4), late=True)
    ok = PersonAnswer(ALICE, "met Acme", "demo", "none", utc(2026, 11, 23, 2))
    summary = StandupSummary("East", "C0EAST", date(2026, 11, 23), (ok, late), (),
                             (PersonRef("UCAROL", "carol"),), (PersonRef("UMIA", "mia"),))
    text = render(StandupSummaryPost(summary)).plain()
    assert text.splitlines()[:2] == ["East stand-up · Mon 23 Nov",
                                     "Answered 2/3 · out of office: @carol · missing: @mia"]
    assert "• @bob: no CRM access" in text and "Answers are in the thread" in text
    reply = render(StandupAnswerPost("East", date(2026, 11, 23), late)).plain()
    assert reply.startswith("@bob (answered late)") and "Blockers: no CRM access" in reply
    flag = render(BlockerFlag("East", date(2026, 11, 23), ALICE, "legal",
                        date(2026, 11, 20), "legal review")).plain()
    assert "two stand-ups running" in flag and "Fri 20 Nov: legal review" in flag


def test_command_replies_keep_channel_links_but_escape_names() -> None:
    from commands.standup.answers import StandupDone

    reply = render(StandupDone("R&D <team> posts in <#C0EAST> at 11:30."))
    assert reply.text == "R&amp;D &lt;team&gt; posts in <#C0EAST> at 11:30."


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
CHART = FileUpload("east.png", "East: plan vs actual", PNG)


def test_a_chart_is_uploaded_with_files_upload_v2(stub: SlackStub,
                                                  notifier: SlackNotifier) -> None:
    file_id = notifier.send("DUMIA", CHART)
    [asked] = stub.of("files.getUploadURLExternal")
    assert asked.body["filename"] == "east.png" and int(asked.body["length"]) == len(PNG)
    [upload] = stub.of("upload")
    assert upload.body["data"] == PNG
    [done] = stub.of("files.completeUploadExternal")
    assert done.body["channel_id"] == "DUMIA"
    assert file_id.startswith("F")


def test_a_chart_after_a_dm_goes_to_the_dm_slack_named(
        stub: SlackStub, notifier: SlackNotifier, time_: FakeTime) -> None:
    notifier.send(notifier.dm_channel("UMIA"), PROMPT)
    notifier.send(notifier.dm_channel("UMIA"), CHART)
    [done] = stub.of("files.completeUploadExternal")
    assert done.body["channel_id"] == "DUMIA"
    assert stub.of("conversations.open") == []
    assert time_.slept == [1.0]  # paced with the message before it, in the same DM


def test_a_chart_for_a_dm_no_post_has_named_opens_it_once(
        stub: SlackStub, notifier: SlackNotifier) -> None:
    notifier.send(notifier.dm_channel("UMIA"), CHART)  # a restart came between the two posts
    notifier.send(notifier.dm_channel("UMIA"), CHART)
    [opened] = stub.of("conversations.open")
    assert opened.body["users"] == "UMIA"
    assert [c.body["channel_id"] for c in stub.of("files.completeUploadExternal")] == [
        "DUMIA", "DUMIA"]


def test_a_rate_limited_dm_open_fails_the_chart_for_a_later_retry(
        stub: SlackStub, notifier: SlackNotifier, time_: FakeTime) -> None:
    stub.failures["conversations.open"] = [(429, {"Retry-After": "120"})]
    with pytest.raises(SendFailed) as failed:
        notifier.send(notifier.dm_channel("UMIA"), CHART)
    assert failed.value.retry_after == 120 and not failed.value.permanent
    assert stub.of("files.getUploadURLExternal") == [] and time_.slept == []


def test_a_digest_and_its_chart_reach_the_dm_without_opening_it(
        stub: SlackStub, time_: FakeTime, team: Chat, deps: Deps) -> None:
    team.say("mia", "/target set team revenue 300k month:2026-11")
    notifier = SlackNotifier.connect("xoxb-test", stub.api_url, sleep=time_.sleep,
                                     clock=time_.clock)
    report = Ticker(deps.session_factory, notifier, [DigestSource()]).tick(MONDAY_0830)
    assert len(report.sent) == 1
    [post] = stub.of("chat.postMessage")
    [done] = stub.of("files.completeUploadExternal")
    assert (post.body["channel"], done.body["channel_id"]) == ("UMIA", "DUMIA")
    assert stub.of("conversations.open") == []
    [row] = deliveries(deps.session_factory).values()
    assert row.channel == "DUMIA"  # the DM's id is recorded, not the user id


def test_a_chart_retried_after_a_restart_opens_the_dm_and_posts_nothing_twice(
        stub: SlackStub, time_: FakeTime, team: Chat, deps: Deps) -> None:
    team.say("mia", "/target set team revenue 300k month:2026-11")
    stub.failures["files.getUploadURLExternal"] = [(500, {})]
    first = SlackNotifier.connect("xoxb-test", stub.api_url, sleep=time_.sleep,
                                  clock=time_.clock)
    assert Ticker(deps.session_factory, first, [DigestSource()]).tick(MONDAY_0830).retrying
    restarted = SlackNotifier.connect("xoxb-test", stub.api_url, sleep=time_.sleep,
                                      clock=time_.clock)
    ticker = Ticker(deps.session_factory, restarted, [DigestSource()])
    assert len(ticker.tick(MONDAY_0830 + timedelta(minutes=1)).sent) == 1
    assert len(stub.of("chat.postMessage")) == 1  # the digest went out once
    [opened] = stub.of("conversations.open")  # the chart needs the DM's id: asked once
    assert opened.body["users"] == "UMIA"
    assert [c.body["channel_id"] for c in stub.of("files.completeUploadExternal")] == ["DUMIA"]
    [row] = deliveries(deps.session_factory).values()
    assert (row.status, row.parts_sent, row.channel) == (DeliveryStatus.SENT, 2, "DUMIA")
