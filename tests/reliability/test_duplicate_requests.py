"""Slack delivers a request more than once (retries, two instances behind a load balancer):
the same trigger_id, however many times and however concurrently, is applied once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select

from bot.dispatch import Caller, Deps, execute
from bot.render import Reply
from storage.models import Activity, Customer, Deal, DealHistory, Member, Workspace
from tests.conftest import Chat

THREADS = 8


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same instant, each in its own thread; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a delivery never finished"
    if errors:
        raise errors[0]
    return results


def count(engine: Engine, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def deliver(deps: Deps, user: str, command: str, text: str,
            key: str) -> Callable[[], Reply | None]:
    caller = Caller("T0TEST", f"U{user.upper()}", "C0EAST", user)
    return lambda: execute(deps, caller, command, text, request_key=key)


def applied(results: list[Reply | None]) -> list[Reply]:
    return [r for r in results if r is not None]


def test_a_visit_delivered_many_times_at_once_is_logged_once(
        deps: Deps, engine: Engine) -> None:
    # In a brand-new workspace, by someone the bot has not met: one of each is registered.
    results = run_together([deliver(deps, "alice", "visit", '"Acme Corp" Met the CTO',
                                    "trigger:1.visit") for _ in range(THREADS)])
    [reply] = applied(results)
    assert "Acme Corp" in reply.plain()
    assert results.count(None) == THREADS - 1
    assert (count(engine, Activity), count(engine, Customer), count(engine, Member),
            count(engine, Workspace)) == (1, 1, 1, 1)


def test_a_new_deal_delivered_many_times_at_once_is_created_once(
        team: Chat, engine: Engine) -> None:
    results = run_together([
        deliver(team.deps, "alice", "deal",
                'new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal',
                "trigger:2.deal") for _ in range(THREADS)])
    [reply] = applied(results)
    assert "D-1" in reply.plain()
    assert count(engine, Deal) == 1
    with team.deps.session_factory() as session:
        assert session.scalar(select(Workspace.deal_seq)) == 1  # no number burnt


def test_a_stage_change_delivered_many_times_at_once_is_recorded_once(
        team: Chat, engine: Engine) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    before = count(engine, DealHistory)
    results = run_together([deliver(team.deps, "alice", "deal", "D-1 won", "action:3.won")
                            for _ in range(THREADS)])
    assert len(applied(results)) == 1
    with team.deps.session_factory() as session:
        history = session.scalars(select(DealHistory.new_value).order_by(DealHistory.id)).all()
    assert len(history) == before + 1 and history[-1] == "won"


def test_distinct_requests_at_once_all_apply_and_their_repeats_do_not(
        team: Chat, engine: Engine) -> None:
    # Four different visits (and four different deals), each delivered twice, all at once:
    # nothing lost, nothing doubled, deal numbers without gaps. The visits are carol's first
    # requests, so they race to register her, and with the deals to create each customer.
    customers = ["Acme Corp", "Globex", "Initech", "Umbrella"]
    members = count(engine, Member)
    jobs = []
    for n, customer in enumerate(customers):
        for _ in range(2):
            jobs.append(deliver(team.deps, "carol", "visit", f'"{customer}" call {n}',
                                f"trigger:v{n}"))
            jobs.append(deliver(team.deps, "alice", "deal",
                                f'new "Deal {n}" customer:"{customer}" amount:{n + 1}k',
                                f"trigger:d{n}"))
    results = run_together(jobs)
    assert len(applied(results)) == 8
    assert (count(engine, Activity), count(engine, Deal), count(engine, Customer)) == (4, 4, 4)
    assert count(engine, Member) == members + 1
    with team.deps.session_factory() as session:
        assert sorted(session.scalars(select(Deal.number))) == [1, 2, 3, 4]


def test_repeats_after_the_first_delivery_finished_are_ignored(team: Chat,
                                                               engine: Engine) -> None:
    for n, line in enumerate(['/visit "Acme Corp" Met the CTO',
                              '/deal new "Acme renewal" customer:"Acme Corp" amount:120k']):
        assert team.as_("alice", line, key=f"trigger:{n}.late") is not None
        for _ in range(3):  # Slack's retries, arriving after the first delivery committed
            assert team.as_("alice", line, key=f"trigger:{n}.late") is None
    assert (count(engine, Activity), count(engine, Deal)) == (1, 1)
