"""A visit closes only a follow-up agreed on or before the visit's day: a visit logged
late for an earlier day cannot have done a step agreed after it. Today is Sunday
22 November 2026."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import FollowUp
from tests.conftest import Chat, Clock


def open_refs(chat: Chat) -> list[str]:
    with chat.deps.session_factory() as session:
        return [f.ref for f in session.scalars(select(FollowUp).order_by(FollowUp.id))
                if f.done_at is None]


def test_a_visit_dated_before_the_follow_up_was_made_leaves_it_open(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" type:call on:2026-11-20 next:"call CFO" by:friday')
    out = team.say("alice", '/visit "Acme Corp" on:2026-11-17 Lunch with the buyer')
    assert "Closed follow-up" not in out
    assert open_refs(team) == ["F-1"]
    # on the day the step was agreed, or later, a visit does close it
    out = team.say("alice", '/visit "Acme Corp" on:2026-11-20 Called the CFO')
    assert "Closed follow-up F-1 (call CFO)" in out
    assert open_refs(team) == []


def test_a_later_visit_closes_a_follow_up_made_by_a_backdated_call(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" type:call on:2026-11-18 next:"send quote" by:friday')
    out = team.say("alice", '/visit "Acme Corp" on:2026-11-19 Quote handed over')
    assert "Closed follow-up F-1 (send quote)" in out


def test_a_backdated_visit_closes_the_older_follow_up_not_the_newer(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" type:call next:"call CFO" by:friday')  # today
    out = team.say("alice",
                   '/visit "Acme Corp" type:call on:2026-11-16 next:"send quote" by:2026-12-04')
    assert "Closed follow-up" not in out  # logged late, for a day before F-1 was agreed
    out = team.say("alice", '/visit "Acme Corp" on:2026-11-18 Quote handed over')
    assert "Closed follow-up F-2 (send quote)" in out  # F-1 is due first, but agreed later
    assert open_refs(team) == ["F-1"]


def test_a_deals_next_step_is_made_the_day_it_was_written(team: Chat, clock: Clock) -> None:
    team.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("bob", '/deal D-1 next:"call CFO" by:friday')  # Sunday 22 November
    clock.now += timedelta(days=1)
    out = team.say("bob", '/visit "Acme Corp" deal:D-1 on:2026-11-21 Met the buyer')
    assert "Closed follow-up" not in out
    out = team.say("bob", '/visit "Acme Corp" deal:D-1 on:2026-11-22 Called the CFO')
    assert "Closed follow-up F-1 (call CFO)" in out
