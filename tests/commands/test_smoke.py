from tests.conftest import Chat


def test_visit_and_deal_roundtrip(team: Chat) -> None:
    out = team.say("alice", '/visit "Acme Corp" type:demo on:yesterday Met the CTO')
    assert "Acme Corp" in out and "yesterday" in out
    out = team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    assert "D-1" in out
