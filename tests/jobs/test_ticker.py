"""The ticker: claims, catch-up within the grace window, retries, resumption, races."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.dispatch import Deps
from jobs.due import DueItem
from jobs.notify import SendFailed
from jobs.standup import StandupPrompt
from jobs.ticker import Ticker
from storage import repo
from storage.db import make_engine, make_session_factory
from storage.models import Delivery, DeliveryStatus, Workspace
from tests.conftest import Chat
from tests.jobs.recording import (
    DUE,
    ListSource,
    RecordingNotifier,
    deliveries,
    make_ticker,
    note,
    tick_together,
    utc,
)


@pytest.fixture
def workspace_id(team: Chat) -> int:
    with team.deps.session_factory() as session:
        ws = session.scalar(select(Workspace.id))
        assert ws is not None
        return ws


def ticker(deps: Deps, notifier: RecordingNotifier, items: list[DueItem],
           parts: int = 1) -> Ticker:
    return Ticker(deps.session_factory, notifier, [ListSource(items, parts)])


def test_an_item_is_sent_once_however_often_the_ticker_runs(
        deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    t = ticker(deps, notifier, [note(workspace_id)])
    assert t.tick(DUE - timedelta(minutes=1)).sent == []
    assert t.tick(DUE).sent == ["note:team:1:2026-11-23"]
    for minute in range(1, 4):
        assert t.tick(DUE + timedelta(minutes=minute)).sent == []
    assert [s.message for s in notifier.sent] == ["team:1 part 0"]
    row = deliveries(deps.session_factory)["note:team:1:2026-11-23"]
    assert (row.status, row.attempts, row.channel, row.message_ts, row.sent_at) == \
        (DeliveryStatus.SENT, 1, "C1", "1.000100", DUE)


def test_missed_item_is_sent_on_restart_within_the_grace_window(
        deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    t = ticker(deps, notifier, [note(workspace_id)])
    report = t.tick(DUE + timedelta(hours=1, minutes=59))  # down since before it was due
    assert report.sent == ["note:team:1:2026-11-23"] and len(notifier.sent) == 1


def test_missed_item_past_the_grace_window_is_skipped_and_logged(
        deps: Deps, workspace_id: int, caplog: pytest.LogCaptureFixture) -> None:
    notifier = RecordingNotifier()
    t = ticker(deps, notifier, [note(workspace_id)])
    with caplog.at_level(logging.INFO, logger="jobs.ticker"):
        report = t.tick(DUE + timedelta(hours=2, minutes=1))
    assert report.skipped == ["note:team:1:2026-11-23"] and notifier.sent == []
    assert "skipped note:team:1:2026-11-23" in caplog.text
    row = deliveries(deps.session_factory)["note:team:1:2026-11-23"]
    assert row.status == DeliveryStatus.SKIPPED and "grace" in (row.last_error or "")
    assert t.tick(DUE + timedelta(hours=3)).skipped == []  # recorded once


def test_failed_sends_are_retried_with_backoff_then_given_up(
        deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    notifier.failures = [SendFailed("internal_error") for _ in range(4)]
    t = ticker(deps, notifier, [note(workspace_id)])
    key = "note:team:1:2026-11-23"
    assert t.tick(DUE).retrying == [key]
    assert deliveries(deps.session_factory)[key].next_attempt_at == DUE + timedelta(minutes=1)
    assert t.tick(DUE + timedelta(seconds=30)).retrying == []  # not yet
    assert t.tick(DUE + timedelta(minutes=1)).retrying == [key]  # try 2, then wait 2 minutes
    assert t.tick(DUE + timedelta(minutes=2)).retrying == []
    assert t.tick(DUE + timedelta(minutes=3)).retrying == [key]  # try 3, then wait 4 minutes
    assert t.tick(DUE + timedelta(minutes=7)).failed == [key]  # try 4: give up
    row = deliveries(deps.session_factory)[key]
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.FAILED, 4,
                                                          "internal_error")
    assert t.tick(DUE + timedelta(hours=1)).sent == [] and notifier.sent == []


def test_a_retry_that_succeeds_sends_once(deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    notifier.failures = [SendFailed("ratelimited", retry_after=300)]
    t = ticker(deps, notifier, [note(workspace_id)])
    t.tick(DUE)
    row = deliveries(deps.session_factory)["note:team:1:2026-11-23"]
    assert row.next_attempt_at == DUE + timedelta(minutes=5)  # Retry-After beats the backoff
    assert t.tick(DUE + timedelta(minutes=4)).sent == []
    assert t.tick(DUE + timedelta(minutes=5)).sent == ["note:team:1:2026-11-23"]
    assert t.tick(DUE + timedelta(minutes=6)).sent == []
    assert len(notifier.sent) == 1


def test_a_retry_resumes_after_the_posts_already_made(deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    notifier.fail_on = {2: SendFailed("internal_error")}  # the first thread reply fails
    t = ticker(deps, notifier, [note(workspace_id)], parts=3)
    t.tick(DUE)
    assert [s.message for s in notifier.sent] == ["team:1 part 0"]
    assert deliveries(deps.session_factory)["note:team:1:2026-11-23"].parts_sent == 1
    t.tick(DUE + timedelta(minutes=1))
    assert [(s.message, s.thread_ts) for s in notifier.sent] == [
        ("team:1 part 0", None), ("team:1 part 1", "1.000100"), ("team:1 part 2", "1.000100")]


def test_a_permanent_error_is_not_retried(deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    notifier.failures = [SendFailed("channel_not_found", permanent=True)]
    t = ticker(deps, notifier, [note(workspace_id)])
    assert t.tick(DUE).failed == ["note:team:1:2026-11-23"]


def test_a_claim_whose_sender_died_mid_send_is_counted_sent_unconfirmed_not_resent(
        deps: Deps, workspace_id: int) -> None:
    item = note(workspace_id)
    with deps.session_factory.begin() as session:  # another instance claimed it, then died
        repo.deliveries.insert_once(
            session, key=item.key, workspace_id=workspace_id, kind="note", subject=item.subject,
            local_period=item.local_period, due_at=DUE, status=DeliveryStatus.CLAIMED, now=DUE,
            next_attempt_at=DUE + timedelta(minutes=10))
        session.scalars(select(Delivery)).one().sending = True  # ...with a post in flight
    notifier = RecordingNotifier()
    t = ticker(deps, notifier, [item])
    assert t.tick(DUE + timedelta(minutes=5)).unconfirmed == []  # it may still be sending
    report = t.tick(DUE + timedelta(minutes=11))
    assert report.failed == [] and report.unconfirmed == [item.key]  # not "failed": it
    assert notifier.sent == []  # most likely went out, and is not posted a second time
    row = deliveries(deps.session_factory)[item.key]
    assert row.status == DeliveryStatus.SENT and row.parts_sent == 1
    assert "unconfirmed" in (row.last_error or "")
    assert t.tick(DUE + timedelta(minutes=30)).sent == [] and notifier.sent == []


def test_a_claim_whose_sender_died_before_posting_is_sent_later(
        deps: Deps, workspace_id: int) -> None:
    item = note(workspace_id)
    with deps.session_factory.begin() as session:  # claimed, then the instance died
        repo.deliveries.insert_once(
            session, key=item.key, workspace_id=workspace_id, kind="note", subject=item.subject,
            local_period=item.local_period, due_at=DUE, status=DeliveryStatus.CLAIMED, now=DUE,
            next_attempt_at=DUE + timedelta(minutes=10))
    notifier = RecordingNotifier()
    t = ticker(deps, notifier, [item])
    assert t.tick(DUE + timedelta(minutes=5)).sent == []  # its sender may still be at it
    assert t.tick(DUE + timedelta(minutes=11)).sent == [item.key]
    assert [s.message for s in notifier.sent] == ["team:1 part 0"]
    assert t.tick(DUE + timedelta(minutes=12)).sent == []


def test_dry_run_claims_and_sends_nothing(deps: Deps, workspace_id: int) -> None:
    notifier = RecordingNotifier()
    t = ticker(deps, notifier, [note(workspace_id), note(workspace_id, "team:2",
                                                          DUE - timedelta(hours=3))])
    planned = {p.item.subject: p for p in t.plan(DUE)}
    assert planned["team:1"].action == "send" and planned["team:2"].action == "skip"
    assert [p.message for p in planned["team:1"].posts] == ["team:1 part 0"]
    assert deliveries(deps.session_factory) == {} and notifier.sent == []
    t.tick(DUE)
    assert {p.item.subject: p.action for p in t.plan(DUE)} == {"team:1": "sent",
                                                               "team:2": "skipped"}


def test_two_tickers_racing_send_every_stand_up_prompt_exactly_once(
        team: Chat, db_url: str) -> None:
    people = [f"u{i}" for i in range(12)]
    team.say("mia", "/sales team add " + " ".join(f"<@U{p.upper()}|{p}>" for p in people))
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    notifier = RecordingNotifier()
    engines = [make_engine(db_url) for _ in range(2)]
    tickers = [Ticker(make_session_factory(e), notifier, make_ticker(team.deps, notifier).sources)
               for e in engines]
    at = utc(2026, 11, 23, 1, 30)  # 09:30 in Shanghai, for both at the same instant
    errors = tick_together(tickers, at)
    for e in engines:
        e.dispose()
    assert not errors
    prompted = Counter(s.to for s in notifier.of(StandupPrompt))
    assert len(prompted) == 15 and set(prompted.values()) == {1}  # mia, alice, bob + 12
    rows = deliveries(team.deps.session_factory).values()
    assert len(rows) == 15 and {r.status for r in rows} == {DeliveryStatus.SENT}
