"""`/followups add ... customer:`: a follow-up of one's own with a customer, matched as /visit
matches one. Today is Sunday 22 November 2026."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commands.core.errors import UserFacingError
from storage.models import Customer, FollowUp
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat


@pytest.fixture
def known(team: Chat) -> Chat:
    team.say("alice", '/visit "Acme Corp" Met the CTO')
    return team


def customers_of_follow_ups(chat: Chat) -> list[tuple[str, str | None]]:
    with chat.deps.session_factory() as session:
        return [(f.text, f.customer.name if f.customer else None)
                for f in session.scalars(select(FollowUp).order_by(FollowUp.id))]


def refused(chat: Chat, line: str) -> str:
    with writes_nothing(chat), pytest.raises(UserFacingError) as err:
        chat.say("alice", line)
    return str(err.value)


def test_a_known_customer_is_matched_ignoring_case_and_spacing(known: Chat) -> None:
    out = known.say("alice", '/followups add send quote by:friday customer:"acme   CORP"')
    assert "Follow-up F-1: send quote · Acme Corp — due Fri 27 Nov." in out
    assert customers_of_follow_ups(known) == [("send quote", "Acme Corp")]


def test_a_name_close_to_a_known_one_asks_did_you_mean(known: Chat) -> None:
    said = refused(known, '/followups add send quote by:friday customer:"Acme Crop"')
    assert 'No customer is called "Acme Crop". Did you mean "Acme Corp"?' in said
    assert "add `new:yes`" in said


def test_new_yes_makes_the_close_name_a_new_customer(known: Chat) -> None:
    known.say("alice", '/followups add send quote by:friday customer:"Acme Crop" new:yes')
    assert customers_of_follow_ups(known) == [("send quote", "Acme Crop")]


def test_a_new_name_creates_the_customer(known: Chat) -> None:
    known.say("alice", "/followups add call back by:tuesday customer:Initech")
    assert customers_of_follow_ups(known) == [("call back", "Initech")]
    with known.deps.session_factory() as session:
        assert "Initech" in session.scalars(select(Customer.name)).all()


def test_the_customer_must_be_the_deals(known: Chat) -> None:
    known.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:40k')
    known.say("alice", '/visit "Globex" Cold call')
    said = refused(known, "/followups add chase by:friday customer:Globex deal:D-1")
    assert "D-1 is a deal with Acme Corp, not Globex." in said
    known.say("alice", '/followups add chase by:friday customer:"Acme Corp" deal:D-1')
    assert customers_of_follow_ups(known) == [("chase", "Acme Corp")]


def test_customer_needs_a_name(known: Chat) -> None:
    assert "`customer:` needs a name" in refused(known, "/followups add chase by:friday "
                                                        'customer:""')


def test_without_a_customer_it_is_the_deals_or_none(known: Chat) -> None:
    known.say("alice", "/followups add think it over by:friday")
    assert customers_of_follow_ups(known) == [("think it over", None)]


def test_a_chinese_customer_key_works_too(known: Chat) -> None:
    known.say("alice", '/followups 添加 发报价 by:friday 客户:"Acme Corp"')
    assert customers_of_follow_ups(known) == [("发报价", "Acme Corp")]
