"""The Home tab's view stays within Slack's limits however much there is to show."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.render.home import MAX_HOME_BLOCKS, PART_BLOCKS, home_view, part_blocks
from commands.deals.deal import DealListing, DealView, StageGroup
from commands.team.home import HomePart, HomeResult

TODAY = date(2026, 11, 22)


def many_deals(n: int) -> DealListing:
    deals = tuple(
        DealView(ref=f"D-{i}", name=f"Deal {i} " + "x" * 150, customer="Acme Corp " + "y" * 100,
                 owner="alice", amount=Decimal(1000), currency="USD", stage="lead",
                 probability_pct=10, expected_close=None, is_open=True, is_won=False,
                 lost_reason=None, created_on=TODAY)
        for i in range(1, n + 1))
    return DealListing(owner="alice", is_self=True,
                       groups=(StageGroup("lead", 10, deals),),
                       totals={"USD": Decimal(1000 * n)}, weighted={"USD": Decimal(100 * n)},
                       today=TODAY)


def test_a_long_part_is_cut_and_says_there_is_more() -> None:
    blocks = [b.to_dict() for b in part_blocks(HomePart("/deal list", many_deals(600)))]
    assert len(blocks) == PART_BLOCKS
    assert blocks[-2]["elements"][0]["text"] == "…and more."
    assert blocks[-1]["elements"][0]["text"] == "The same as `/deal list`."


def test_the_view_keeps_to_slacks_100_blocks_and_ends_with_the_help_pointer() -> None:
    home = HomeResult(name="alice", today=TODAY, team_name="East",
                      parts=tuple(HomePart("/deal list", many_deals(600)) for _ in range(8)))
    blocks = home_view(home).to_dict()["blocks"]
    assert len(blocks) <= MAX_HOME_BLOCKS
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"] == "Hi alice"
    assert blocks[-1]["elements"][0]["text"] == "Every command and its options: `/sales help`."


def test_a_note_is_shown_escaped() -> None:
    home = HomeResult(name="<b>", today=TODAY, team_name=None,
                      parts=(HomePart("/plan", note="No target for <@U1> & co"),))
    blocks = home_view(home).to_dict()["blocks"]
    texts = [b.get("text", {}).get("text") for b in blocks if b["type"] == "section"]
    assert texts == [":information_source: No target for &lt;@U1&gt; &amp; co"]
    assert "not in a team yet" in blocks[1]["elements"][0]["text"]
