"""Each rep's attainment over the last six months, for the digest chart, on hand-set
targets and wins."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from commands.reports.attainment_history import last_months
from tests.commands.helpers import digest_of
from tests.conftest import NOW, Chat, Clock


def test_last_months_end_with_this_one() -> None:
    assert [m.label for m in last_months(date(2026, 2, 10))] == [
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]


def test_each_reps_attainment_month_by_month(team: Chat, clock: Clock) -> None:
    team.say("mia", "/target set @alice revenue 100k month:2026-10")
    team.say("mia", "/target set @alice revenue 200k month:2026-11")
    team.say("mia", "/target set @bob revenue 50k month:2026-11")
    clock.now = datetime(2026, 10, 20, 3, tzinfo=UTC)
    team.say("alice", '/deal new "Acme" customer:"Acme" amount:120k')
    team.say("alice", "/deal D-1 won")  # October: 120k of 100k
    clock.now = datetime(2026, 11, 10, 3, tzinfo=UTC)
    team.say("alice", '/deal new "Beta" customer:"Beta" amount:50k')
    team.say("alice", "/deal D-2 won")  # November: 50k of 200k
    clock.now = NOW
    history = digest_of(team, NOW).history
    assert history is not None
    got = {(r["rep"], r["period"]): r["attainment"] for r in history.to_dict("records")}
    assert got[("alice", "2026-10")] == Decimal("1.2")
    assert got[("alice", "2026-11")] == Decimal("0.25")
    assert got[("alice", "2026-09")] is None  # no target
    assert got[("bob", "2026-11")] == Decimal(0)
    assert list(dict.fromkeys(history["period"])) == [
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
