"""Follow-ups through the chat: made by /visit and /deal, listed, done, snoozed, and closed
by the next visit. Today is Sunday 22 November 2026; everyone is on UTC."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.dispatch import Caller, actor_for
from commands.core.errors import PermissionDenied, UserFacingError
from commands.followups.followups import follow_up_to_log
from storage.models import FollowUp
from tests.commands.helpers import writes_nothing
from tests.conftest import NOW, Chat, Clock


def refused(chat: Chat, user: str, line: str) -> str:
    """The message a refused command gets; nothing may be written."""
    with writes_nothing(chat), pytest.raises(UserFacingError) as err:
        chat.say(user, line)
    return str(err.value)


def follow_ups(chat: Chat) -> list[tuple[str, str, date, bool]]:
    with chat.deps.session_factory() as session:
        return [(f.owner.name, f.text, f.due_on, f.done_at is not None)
                for f in session.scalars(select(FollowUp).order_by(FollowUp.id))]


@pytest.fixture
def quoted(team: Chat) -> Chat:
    """alice owes Acme Corp a quote by Friday 27 November (F-1)."""
    out = team.say("alice", '/visit "Acme Corp" next:"send quote" by:friday Met the CTO')
    assert "Next step: send quote — follow-up F-1 due Fri 27 Nov" in out
    return team


def test_a_visit_with_next_and_by_makes_a_follow_up_due_that_day(quoted: Chat) -> None:
    assert follow_ups(quoted) == [("alice", "send quote", date(2026, 11, 27), False)]


@pytest.mark.parametrize("by, due", [
    ("tomorrow", date(2026, 11, 23)), ("2026-12-10", date(2026, 12, 10)),
    ("10.12.2026", date(2026, 12, 10)), ('"next friday"', date(2026, 11, 27)),
    ("today", date(2026, 11, 22)), ("12月3日", date(2026, 12, 3)),
])
def test_by_takes_every_date_form_on_takes(team: Chat, by: str, due: date) -> None:
    team.say("alice", f'/visit "Acme Corp" next:"call back" by:{by}')
    assert follow_ups(team)[0][2] == due


@pytest.mark.parametrize("line, message", [
    ('/visit "Acme Corp" next:"send quote" by:yesterday', "in the past"),
    ('/visit "Acme Corp" next:"send quote" by:2026-11-01', "in the past"),
    ('/visit "Acme Corp" by:friday', "`by:` dates the next step"),
    ('/visit "Acme Corp" next:"send quote" by:', "`by:` needs a date"),
    ('/visit "Acme Corp" next:"send quote" by:someday', "not a date I understand"),
])
def test_a_bad_by_is_refused_with_nothing_written(team: Chat, line: str, message: str) -> None:
    assert message in refused(team, "alice", line)


def test_a_deal_gets_its_next_step_owned_by_the_deals_owner(team: Chat) -> None:
    team.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    out = team.say("mia", '/deal D-1 next:"call CFO" by:2026-12-10')  # mia manages East
    assert "Next step on D-1: call CFO — follow-up F-1 for bob, due Thu 10 Dec" in out
    assert follow_ups(team) == [("bob", "call CFO", date(2026, 12, 10), False)]
    out = team.say("bob", '/deal D-1 stage:proposal next:"send proposal" by:friday')
    assert "stage lead → proposal" in out and "F-2" in out


@pytest.mark.parametrize("user, line, message", [
    ("alice", '/deal D-1 next:"call CFO" by:2026-12-10', "bob's deal"),
    ("bob", '/deal D-1 next:"call CFO" by:2026-11-20', "in the past"),
    ("bob", '/deal D-1 next:"call CFO"', "When is it due?"),
    ("bob", "/deal D-1 by:friday", "`by:` dates the next step"),
    ("bob", '/deal D-9 next:"call CFO" by:friday', "no deal D-9"),
])
def test_a_bad_next_step_on_a_deal_is_refused_with_nothing_written(
        team: Chat, user: str, line: str, message: str) -> None:
    team.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    assert message in refused(team, user, line).replace("belongs to bob", "bob's deal")


def test_a_closed_deal_has_no_next_step(team: Chat) -> None:
    team.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("bob", "/deal D-1 won")
    assert "a closed deal has no next step" in refused(
        team, "bob", '/deal D-1 next:"call CFO" by:friday')


def test_followups_lists_overdue_first(quoted: Chat, clock: Clock) -> None:
    quoted.say("alice", '/visit "Beta Ltd" next:"demo" by:tomorrow')
    clock.now = NOW + timedelta(days=4)  # Thursday 26: F-2 (due Monday) is overdue
    out = quoted.say("alice", "/followups")
    assert out.index("F-2") < out.index("F-1")
    assert "F-2 demo · Beta Ltd — overdue 3 days (due Mon 23 Nov)" in out
    assert "F-1 send quote · Acme Corp — due Fri 27 Nov" in out


def test_followups_without_all_leaves_out_later_ones(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" next:"renewal talk" by:2027-01-15')
    assert "none" in team.say("alice", "/followups")
    assert "F-1 renewal talk" in team.say("alice", "/followups all")


def test_reading_follow_ups_follows_the_read_policy(quoted: Chat) -> None:
    assert "F-1" in quoted.say("mia", "/followups @alice")  # her manager
    assert "F-1" in quoted.say("mia", "/followups team")
    assert "Only alice, their manager or an admin" in refused(quoted, "bob", "/followups @alice")
    out = quoted.say("bob", "/followups team")  # a teammate: counted, not listed
    assert "F-1" not in out and "1 more follow-up of teammates" in out


def test_done_and_snooze(quoted: Chat) -> None:
    assert "F-1 done: send quote · Acme Corp" in quoted.say("alice", "/followups done F-1")
    assert "already done" in refused(quoted, "alice", "/followups done F-1")
    assert "open again" in quoted.say("alice", "/followups reopen F-1")
    assert "snoozed: due Sun 29 Nov (was Fri 27 Nov)" in quoted.say(
        "alice", "/followups snooze F-1 1w")
    assert "due Mon 23 Nov" in quoted.say("alice", "/followups snooze F-1 1d")
    assert follow_ups(quoted)[0][2] == date(2026, 11, 23)
    quoted.say("alice", "/followups snooze F-1 2026-12-01")
    assert follow_ups(quoted)[0][2] == date(2026, 12, 1)


@pytest.mark.parametrize("user, line, message", [
    ("bob", "/followups done F-1", "alice's follow-up"),
    ("bob", "/followups snooze F-1 1d", "alice's follow-up"),
    ("alice", "/followups snooze F-1 yesterday", "in the past"),
    ("alice", "/followups snooze F-1 0d", "a day or more"),
    ("alice", "/followups snooze F-1", "until when"),
    ("alice", "/followups done F-9", "no follow-up F-9"),
    ("alice", "/followups done X-1", "not a follow-up"),
    ("alice", "/followups reopen F-1", "still open"),
])
def test_bad_done_and_snooze_are_refused_with_nothing_written(
        quoted: Chat, user: str, line: str, message: str) -> None:
    assert message in refused(quoted, user, line)


def test_a_visit_at_the_same_customer_closes_the_follow_up(quoted: Chat) -> None:
    out = quoted.say("alice", '/visit "Acme Corp" Sent the quote in person')
    assert "Closed follow-up F-1 (send quote)" in out
    assert "/followups reopen F-1" in out
    assert follow_ups(quoted)[0][3] is True
    # another rep's visit there closes nothing of alice's
    quoted.say("alice", "/followups reopen F-1")
    assert "Closed" not in quoted.say("bob", '/visit "Acme Corp" Dropped by')


def test_a_visit_that_schedules_the_next_step_closes_the_last_one(quoted: Chat) -> None:
    out = quoted.say("alice", '/visit "Acme Corp" next:"chase PO" by:2026-12-04 Quote sent')
    assert "Closed follow-up F-1" in out and "follow-up F-2 due Fri 04 Dec" in out
    assert [f[3] for f in follow_ups(quoted)] == [True, False]


def test_log_visit_prefills_from_the_follow_up(team: Chat) -> None:
    team.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("bob", '/deal D-1 next:"call CFO" by:friday')
    with team.deps.session_factory() as session:
        bob = actor_for(session, team.deps, Caller("T0TEST", "UBOB"), NOW)
        f = follow_up_to_log(session, bob, 1, NOW)
        assert (f.customer, f.deal_ref, f.text) == ("Acme Corp", "D-1", "call CFO")
        alice = actor_for(session, team.deps, Caller("T0TEST", "UALICE"), NOW)
        with pytest.raises(PermissionDenied):
            follow_up_to_log(session, alice, 1, NOW)


def test_followups_help(team: Chat) -> None:
    out = team.say("alice", "/followups help")
    assert "/followups snooze F-3 1d|1w|friday" in out and "09:00" in out
    assert "by:friday" in team.say("alice", "/visit help")
