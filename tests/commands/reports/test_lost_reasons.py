"""The digest's lost-reason breakdown, month and quarter, on hand-counted deals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.render import render
from tests.commands.helpers import digest_of
from tests.conftest import NOW, Chat, Clock


def test_lost_reasons_by_count_and_value_for_the_month_and_the_quarter(
        team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 10, 5, 9, tzinfo=UTC)
    for name, amount in (("Acme renewal", "100k"), ("Beta pilot", "20k"), ("Gamma", "50k"),
                         ("Delta", "5k")):
        team.say("alice", f'/deal new "{name}" customer:"{name}" amount:{amount}')
    clock.now = datetime(2026, 10, 15, 9, tzinfo=UTC)  # October: this quarter, not this month
    team.say("alice", '/deal D-3 lost reason:"timing"')
    clock.now = datetime(2026, 11, 10, 9, tzinfo=UTC)
    team.say("alice", '/deal D-1 lost reason:"Price"')
    team.say("alice", '/deal D-2 lost reason:"price "')
    team.say("alice", "/deal D-4 won")
    digest = digest_of(team, NOW)
    month, quarter = digest.lost_reasons
    assert month.period.label == "2026-11" and quarter.period.label == "2026-Q4"
    assert [(x.reason, x.count, x.value) for x in month.lines] == [
        ("Price", 2, Decimal("120000.00"))]
    assert [(x.reason, x.count, x.value) for x in quarter.lines] == [
        ("Price", 2, Decimal("120000.00")), ("timing", 1, Decimal("50000.00"))]
    text = render(digest).plain()
    assert "Why deals were lost" in text
    assert "2026-Q4: Price 2 (120,000 USD); timing 1 (50,000 USD)" in text
