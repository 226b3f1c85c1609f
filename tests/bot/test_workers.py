"""Slash commands answered by command worker processes (`salesbot run`'s default on a
multi-CPU machine): signed HTTP requests to the running app, a real worker process (spawned,
with its own engine and Slack client) and the Web API pointed at the local stub."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

import bot.listeners.commands
import bot.workers
from bot.app import create_app
from bot.dispatch import Deps
from bot.listeners.commands import Answer
from bot.workers import CommandWorkers, WorkerConfig
from storage.models import Activity, Deal
from tests.bot.http_helpers import SECRET, Client, count, serving
from tests.conftest import Clock
from tests.slack_stub import SlackStub

WORKER_TIMEOUT = 60  # seconds for a spawned worker to import salesbot and answer


class Served:
    def __init__(self, client: Client, workers: CommandWorkers) -> None:
        self.client = client
        self.workers = workers

    def replies(self, n: int) -> list[str]:
        calls = self.client.stub.wait_for(
            lambda c: len([x for x in c if x.method == "response"]) >= n,
            timeout=WORKER_TIMEOUT)
        return [c.body.get("text", "") for c in calls if c.method == "response"]


def serve(deps: Deps, engine: Engine, db_url: str, stub: SlackStub,
          **worker_options: Any) -> Iterator[Served]:
    workers = CommandWorkers(
        WorkerConfig(database_url=db_url, token="xoxb-test", api_url=stub.api_url,
                     defaults=deps.defaults),
        processes=1, **worker_options)
    try:
        workers.warm_up(timeout=WORKER_TIMEOUT)
        app = create_app(deps, token="xoxb-test", signing_secret=SECRET, api_url=stub.api_url,
                         workers=workers)
        with serving(app, engine, stub) as client:
            yield Served(client, workers)
    finally:
        workers.shutdown()


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as s:
        s.add_user("UALICE", "Alice", "America/Los_Angeles")
        yield s


@pytest.fixture
def served(deps: Deps, engine: Engine, db_url: str, stub: SlackStub) -> Iterator[Served]:
    yield from serve(deps, engine, db_url, stub)


def test_worker_process_answers_commands_with_the_time_they_arrived(
    served: Served, engine: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The web process must not run the command itself: make that path fail loudly.
    def not_here(*args: Any) -> None:
        raise AssertionError("answered in the web process")

    monkeypatch.setattr(bot.listeners.commands, "command_answer", not_here)
    slack = served.client
    assert slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO')[0] == 200
    assert slack.command("UALICE", "/deal", 'new "Renewal" customer:"Acme Corp" amount:10k')[0] \
        == 200
    replies = served.replies(2)
    assert any("Acme Corp" in r for r in replies) and any("D-1" in r for r in replies)
    assert all(c.body["response_type"] == "ephemeral" for c in slack.stub.of("response"))
    with engine.connect() as conn:
        visit = conn.execute(select(Activity.occurred_on, Activity.logged_at)).one()
    # the clock of the web process at receipt, not the worker's own (real) clock
    assert visit.occurred_on == clock.now.astimezone(ZoneInfo("America/Los_Angeles")).date()
    assert visit.logged_at == clock.now
    assert count(engine, Deal) == 1


def test_bad_input_and_duplicates_in_a_worker_write_nothing_extra(
    served: Served, engine: Engine
) -> None:
    slack = served.client
    slack.command("UALICE", "/visit", '"Acme Corp" on:2031-01-01 Met the CTO')
    [error] = served.replies(1)
    assert "in the future" in error
    assert count(engine, Activity) == 0
    # Slack delivering the same command twice (same trigger): applied once; the second
    # delivery answers with what the first did
    slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO', trigger="9.same")
    slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO', trigger="9.same")
    again = served.replies(3)[2]
    assert again.startswith("Already done") and "Acme Corp" in again
    slack.command("UALICE", "/visit", '"Acme Corp" Called back')  # a later, distinct one
    served.replies(4)
    assert count(engine, Activity) == 2
    assert len(slack.stub.of("response")) == 4


def test_full_queue_is_answered_in_the_web_process(
    deps: Deps, engine: Engine, db_url: str, stub: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.listeners.commands, "QUEUE_WAIT_S", 0.0)  # no waiting for a place
    for served in serve(deps, engine, db_url, stub, max_queued=0):
        served.client.command("UALICE", "/visit", '"Acme Corp" Met the CTO')
        assert "Acme Corp" in served.replies(1)[0]
    assert count(engine, Activity) == 1


def test_a_dead_worker_is_replaced_and_no_command_is_lost(
    served: Served, engine: Engine
) -> None:
    slack = served.client
    slack.command("UALICE", "/visit", '"Acme Corp" Met the CTO')
    served.replies(1)
    for pid in served.workers.pids():  # the worker dies (OOM, kill -9...)
        os.kill(pid, 9)
    slack.command("UALICE", "/visit", '"Acme Corp" Called back')
    slack.command("UALICE", "/visit", '"Acme Corp" Sent the quote')
    replies = served.replies(3)
    assert sum("Acme Corp" in r for r in replies) == 3
    assert count(engine, Activity) == 3
    with engine.connect() as conn:
        notes = set(conn.scalars(select(Activity.notes)))
    assert notes == {"Met the CTO", "Called back", "Sent the quote"}


class _HeldWorker:
    """Stands in for a worker process's state: records the commands it runs; the first
    one holds its place in the queue until released."""

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.release = threading.Event()

    def run(self, body: dict[str, Any], now: Any) -> Answer:
        if body["trigger_id"] == "A":
            assert self.release.wait(WORKER_TIMEOUT)
        self.events.append(f"{body['trigger_id']} ran")
        return Answer({"text": f"answer to {body['trigger_id']}"})


class _WatchedSlots:
    """The queue's semaphore, telling the test when a command starts waiting for a place."""

    def __init__(self, slots: threading.BoundedSemaphore) -> None:
        self.slots = slots
        self.waiting = threading.Event()

    def acquire(self, timeout: float | None = None) -> bool:
        self.waiting.set()
        return self.slots.acquire(timeout=timeout)

    def release(self) -> None:
        self.slots.release()


@pytest.fixture
def held_queue(monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[tuple[
        CommandWorkers, _HeldWorker, list[str]]]:
    """A one-place queue whose 'worker' runs in a thread of this process."""
    events: list[str] = []
    held = _HeldWorker(events)
    def start_in_a_thread(_config: WorkerConfig) -> tuple[Connection, threading.Thread]:
        ours, theirs = multiprocessing.Pipe()

        def serve() -> None:
            theirs.send(("ready", None))
            bot.workers.answer_commands(theirs, held)
            theirs.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        return ours, thread

    workers = CommandWorkers(WorkerConfig(database_url=db_url, token=None), processes=1,
                             max_queued=1, start=start_in_a_thread)
    try:
        yield workers, held, events
    finally:
        held.release.set()
        workers.shutdown()


def never_here() -> Answer | None:
    raise AssertionError("answered in the web process")


def test_a_command_is_queued_only_once_it_has_a_place(
    held_queue: tuple[CommandWorkers, _HeldWorker, list[str]], clock: Clock
) -> None:
    # Commands arriving faster than the workers finish them wait for a place, so their
    # acknowledgements slow down (Slack waits 3 s) instead of a queue growing.
    workers, held, events = held_queue
    watched = _WatchedSlots(workers._slots)
    workers._slots = watched  # type: ignore[assignment]
    first = workers.submit({"trigger_id": "A"}, clock.now, WORKER_TIMEOUT, never_here)
    assert first is not None
    watched.waiting.clear()
    queued: list[Any] = []
    second = threading.Thread(target=lambda: queued.append(
        workers.submit({"trigger_id": "B"}, clock.now, WORKER_TIMEOUT, never_here)))
    second.start()
    assert watched.waiting.wait(WORKER_TIMEOUT)  # B is waiting for A's place...
    assert not queued and events == []  # ...and is not queued while A runs
    held.release.set()
    second.join(WORKER_TIMEOUT)
    assert first.result(WORKER_TIMEOUT) == Answer({"text": "answer to A"})
    assert queued[0].result(WORKER_TIMEOUT) == Answer({"text": "answer to B"})
    assert events == ["A ran", "B ran"]


def test_no_place_within_the_wait_means_answering_here(
    held_queue: tuple[CommandWorkers, _HeldWorker, list[str]], clock: Clock
) -> None:
    workers, held, events = held_queue
    assert workers.submit({"trigger_id": "A"}, clock.now, WORKER_TIMEOUT, never_here)
    # the wait is over at once: nothing queued, the caller runs B itself
    assert workers.submit({"trigger_id": "B"}, clock.now, 0, never_here) is None
    held.release.set()
    workers.shutdown()
    assert events == ["A ran"]


def test_a_command_the_worker_cannot_answer_is_answered_here(
    held_queue: tuple[CommandWorkers, _HeldWorker, list[str]], clock: Clock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    workers, held, _ = held_queue

    def broken(body: dict[str, Any], now: Any) -> Answer:
        raise RuntimeError("a bug in the worker")

    monkeypatch.setattr(held, "run", broken)
    future = workers.submit({"trigger_id": "A", "command": "/visit"}, clock.now,
                            WORKER_TIMEOUT, lambda: Answer({"text": "answered here"}))
    assert future is not None
    assert future.result(WORKER_TIMEOUT) == Answer({"text": "answered here"})
    # its place in the queue is free again
    assert workers.submit({"trigger_id": "B"}, clock.now, 0, never_here) is not None


def test_a_worker_that_cannot_start_says_why() -> None:
    workers = CommandWorkers(WorkerConfig(database_url="nosuchdb://nowhere", token=None),
                             processes=1)
    try:
        with pytest.raises(RuntimeError, match=r"could not start.*nosuchdb"):
            workers.warm_up(timeout=WORKER_TIMEOUT)
        # and it is not restarted for every command: they are answered in the web process
        assert workers.submit({"trigger_id": "A"}, datetime.now(UTC), 0, never_here) is None
    finally:
        workers.shutdown()
