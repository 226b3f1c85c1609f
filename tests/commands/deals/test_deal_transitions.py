"""A closed deal is refused before anything else is asked of it: `/deal D-1 lost` on a won
deal says it is won, not "say why it was lost"; the same for won on a lost deal and for a
next step on a closed one, whatever else the command got wrong."""

from __future__ import annotations

import pytest

from commands.core.errors import UsageError
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat


@pytest.fixture
def won(team: Chat) -> Chat:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("alice", '/deal new "Acme add-on" customer:"Acme Corp" amount:20k')
    team.say("alice", "/deal D-1 won")
    team.say("alice", '/deal D-2 lost reason:"price"')
    return team  # D-1 won, D-2 lost


def refusal(chat: Chat, line: str) -> str:
    with writes_nothing(chat), pytest.raises(UsageError) as err:
        chat.say("alice", line)
    return str(err.value)


@pytest.mark.parametrize("line, message", [
    ("/deal D-1 lost", "D-1 is already won."),  # before asking why
    ("/deal D-1 输单", "D-1 is already won."),
    ('/deal D-1 lost reason:"price"', "D-1 is already won."),
    ("/deal D-1 stage:lost", "D-1 is already won."),
    ("/deal D-2 won", "D-2 is already lost."),
    ("/deal D-1 won", "D-1 is already won."),
    ('/deal D-1 next:"call CFO" by:yesterday', "D-1 is won: a closed deal has no next step."),
    ('/deal D-2 next:"call CFO" by:someday', "D-2 is lost: a closed deal has no next step."),
    ('/deal D-1 stage:lost next:"call CFO" by:yesterday', "D-1 is won: a closed deal"),
])
def test_a_closed_deal_is_refused_first(won: Chat, line: str, message: str) -> None:
    assert message in refusal(won, line)


def test_an_open_deal_is_still_asked_why_and_for_a_good_day(won: Chat) -> None:
    won.say("alice", '/deal new "Acme pilot" customer:"Acme Corp" amount:5k')  # D-3
    assert "Say why D-3 was lost" in refusal(won, "/deal D-3 lost")
    assert "in the past" in refusal(won, '/deal D-3 next:"call CFO" by:yesterday')
    # reopening a closed deal with its next step stays possible
    out = won.say("alice", '/deal D-1 stage:negotiation next:"call CFO" by:friday')
    assert "F-1" in out


def test_a_chinese_reader_is_told_the_deal_is_won_not_asked_why(won: Chat) -> None:
    won.say("alice", "/sales lang zh")
    text = refusal(won, "/deal D-1 输单")
    assert "D-1" in text and "输单原因" not in text and "reason:" not in text
