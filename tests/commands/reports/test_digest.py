"""The weekly digest of a team, built from a week of real commands at fixed times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from bot.dispatch import Caller, actor_for
from bot.render.base import MAX_BLOCKS
from bot.render.reports import render_digest
from commands.core.errors import PermissionDenied
from commands.reports.digest import DigestArgs, DigestResult, run_digest, stage_conversions
from tests.conftest import NOW, Chat, Clock


@pytest.fixture
def week(team: Chat, clock: Clock) -> Chat:
    """East's week of Mon 16 - Sat 21 Nov 2026 (Shanghai), reviewed on Sunday the 22nd."""
    team.say("mia", "/target set team revenue 300k month:2026-11")

    def at(day: int, line: str, who: str = "alice") -> None:
        clock.now = datetime(2026, 11, day, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
        team.say(who, line)

    at(16, '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')  # D-1
    at(16, "/deal D-1 stage:proposal")
    at(18, "/deal D-1 won")
    at(18, '/deal new "Acme add-on" customer:"Acme Corp" amount:60k')  # D-2
    at(19, '/deal D-2 lost reason:"price"')
    at(16, '/deal new "Initech pilot" customer:"Initech" amount:30k close:2026-11-20', "bob")
    at(19, "/deal D-3 close:2026-12-04", "bob")
    at(16, '/sales action add <@UBOB|bob> "Call 5 B-tier accounts" due:2026-11-20', "mia")
    clock.now = NOW
    return team


def _digest(chat: Chat, user: str = "mia") -> DigestResult:
    with chat.deps.session_factory() as session:
        actor = actor_for(session, chat.deps, Caller(chat.team_id, f"U{user.upper()}",
                                                      chat.channel_id, user), NOW)
        return run_digest(DigestArgs(), session=session, actor=actor, now=NOW)


def test_the_digest_reviews_the_week_against_the_plan(week: Chat) -> None:
    d = _digest(week)
    assert d.week == (date(2026, 11, 16), date(2026, 11, 22))  # Monday to today
    assert d.team is not None and d.team.actual == Decimal(120_000)
    assert [(r.name, r.score.target) for r in d.reps] == [("alice", Decimal("150000.00")),
                                                          ("bob", Decimal("150000.00"))]
    assert d.won == (("D-1", "Acme renewal", "alice", Decimal(120_000)),)
    assert d.lost == (("D-2", "Acme add-on", "alice", Decimal(60_000), "price"),)
    assert d.slipped == (("D-3", "Initech pilot", "bob", "2026-11-20", "2026-12-04"),)
    funnel = {stage: (left, conv) for stage, left, conv, _ in d.funnel}
    assert funnel["lead"] == (2, Decimal("0.5"))  # D-1 moved on, D-2 was lost
    assert funnel["proposal"] == (1, Decimal(1))  # D-1 won
    # chart data: the month's plan accumulates to 300k, actual stops at Saturday the 21st
    assert d.cumulative["plan_cum"].iloc[-1] == Decimal("300000")
    through = d.cumulative[d.cumulative["day"] == date(2026, 11, 20)]["actual_cum"].iloc[0]
    assert through == Decimal(120_000)
    assert d.focus.startswith(("East", "alice", "bob"))
    assert d.actions == (("A-1", "bob", "Call 5 B-tier accounts", date(2026, 11, 20),
                          "overdue"),)
    assert d.standup is None  # no stand-up configured


def test_the_digest_renders_within_slacks_limits(week: Chat) -> None:
    reply = render_digest(_digest(week))
    assert len(reply.blocks) <= MAX_BLOCKS
    assert reply.blocks[0].type == "header"
    text = reply.plain()
    assert "Weekly review: East, 16 Nov – 22 Nov" in text
    assert "Lost this week: D-2 Acme add-on (alice) 60,000 USD: price" in text
    assert "Slipped (close date pushed): D-3 Initech pilot (bob) 2026-11-20 → 2026-12-04" in text
    assert "Focus this week" in text
    assert "A-1 bob: Call 5 B-tier accounts (due Fri 20 Nov) — overdue" in text


def test_the_digest_is_for_managers(week: Chat) -> None:
    with pytest.raises(PermissionDenied, match="for its managers"):
        week.say("alice", "/sales digest")
    assert "Weekly review: East" in week.say("mia", "/sales digest")


def test_stage_conversions_count_forward_moves_only() -> None:
    exits = pd.DataFrame({"from_stage": ["lead", "lead", "proposal", "proposal"],
                          "to_stage": ["qualified", "lost", "lead", "won"],
                          "moves": [3, 1, 1, 1]})
    table = stage_conversions(exits, ["lead", "qualified", "proposal", "won"], {"lost"})
    assert table["stage"].tolist() == ["lead", "qualified", "proposal"]
    assert table["conversion"].tolist() == [Decimal("0.75"), None, Decimal("0.5")]
