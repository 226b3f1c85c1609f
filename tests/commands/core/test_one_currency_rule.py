"""One currency rule for every figure made of deal amounts: the average deal behind /plan and
the checks, the report's win rate by value, the digest's chart and the warnings count deals
in one currency, others only through an admin's rate, and a text reply names the rest."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.dispatch import Caller, actor_for
from commands.core.errors import UsageError
from commands.reports.digest import DigestArgs, run_digest
from storage.models import Target
from tests.conftest import NOW, Chat, Clock


@pytest.fixture
def closed(team: Chat, clock: Clock) -> Chat:
    """East in November, a USD target: alice wins 100k USD (D-1) and 120k EUR (D-2), and loses
    30k USD (D-3), 60k EUR (D-4) and 10k USD (D-5): her own rate, 2 won of 5 closed."""
    team.say("mia", "/target set team revenue 600k month:2026-11")
    clock.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for line in ('"US deal" customer:"Acme Corp" amount:100k',
                 '"Euro deal" customer:"Acme Corp" amount:120k EUR',
                 '"US lost" customer:"Acme Corp" amount:30k',
                 '"EU lost" customer:"Acme Corp" amount:60k EUR',
                 '"Small lost" customer:"Acme Corp" amount:10k'):
        team.say("alice", f"/deal new {line}")
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    team.say("alice", "/deal D-1 won")
    team.say("alice", "/deal D-2 won")
    for n in (3, 4, 5):
        team.say("alice", f'/deal D-{n} lost reason:"price"')
    clock.now = NOW
    return team


def test_the_average_deal_counts_only_the_plans_currency(closed: Chat) -> None:
    out = closed.say("mia", "/plan <@UALICE|alice>")
    # not (100k USD + 120k EUR) / 2 = "110,000 USD"
    assert "avg deal 100,000 USD" in out
    closed.say("mia", "/sales config fx:EUR=1.08")
    out = closed.say("mia", "/plan <@UALICE|alice>")
    assert "avg deal 114,800 USD" in out  # (100,000 + 120,000 × 1.08) / 2


def test_the_win_rate_by_value_converts_or_names_what_it_leaves_out(closed: Chat) -> None:
    out = closed.say("mia", "/sales report month team")
    # 100k USD won against 40k USD lost; the EUR deals have no rate and are named
    assert "71% by value in USD" in out
    assert ("The win rate by value: left out: D-2 Euro deal (120,000 EUR): in EUR, and no "
            "EUR→USD rate is set") in out
    assert "D-4 EU lost (60,000 EUR)" in out
    closed.say("mia", "/sales config fx:EUR=1.08")
    out = closed.say("mia", "/sales report month team")
    # 229,600 won of 229,600 + 40,000 + 64,800 closed
    assert "69% by value in USD" in out
    assert "The win rate by value" not in out


def test_the_digest_chart_adds_up_to_the_revenue_figure(closed: Chat) -> None:
    closed.say("mia", "/sales config fx:EUR=1.08")
    with closed.deps.session_factory() as session:
        actor = actor_for(session, closed.deps,
                          Caller(closed.team_id, "UMIA", closed.channel_id, "mia"), NOW)
        digest = run_digest(DigestArgs(), session=session, actor=actor, now=NOW)
    assert digest.team is not None and digest.team.actual == Decimal("229600")
    assert digest.cumulative["actual_cum"].dropna().iloc[-1] == Decimal("229600")


def test_warnings_name_the_deals_their_revenue_figures_leave_out(closed: Chat) -> None:
    closed.say("alice", '/deal new "EU open" customer:"Acme Corp" amount:50k EUR '
                        "close:2026-11-27")
    out = closed.say("mia", "/sales warnings")
    assert ("Left out: D-2 Euro deal (120,000 EUR): in EUR, and no EUR→USD rate is set "
            "(`/sales config fx:EUR=<rate>`); D-6 EU open (50,000 EUR)") in out
    closed.say("mia", "/sales config fx:EUR=1.08")
    assert "Left out" not in closed.say("mia", "/sales warnings")


def test_an_average_deal_with_no_win_in_the_plans_currency_says_where_it_came_from(
        team: Chat, clock: Clock) -> None:
    team.say("mia", "/target set team revenue 600k month:2026-11")
    clock.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for n in range(1, 6):
        amount = "500k EUR" if n <= 2 else "10k"
        team.say("alice", f'/deal new "Deal {n}" customer:"Acme Corp" amount:{amount}')
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    for n in range(1, 6):
        team.say("alice", f"/deal D-{n} won" if n <= 2 else f'/deal D-{n} lost reason:"price"')
    clock.now = NOW
    out = team.say("mia", "/plan <@UALICE|alice>")
    assert "alice's own 180-day win rate 40%" in out
    # her wins are in EUR without a rate: not an average of 500,000 "USD"
    assert "avg deal 100,000 USD" in out
    assert ("average deal from the configured defaults (no won deal in USD in their own "
            "history)") in out


def _targets(chat: Chat) -> list[tuple[str, str | None]]:
    with chat.deps.session_factory() as session:
        return [(t.scope_key, t.currency) for t in session.scalars(select(Target))]


def test_a_reps_revenue_target_is_in_the_teams_currency(team: Chat) -> None:
    team.say("mia", "/target set team revenue 600k quarter:2026-Q4")
    before = _targets(team)
    with pytest.raises(UsageError, match=r"East's revenue target for 2026-Q4 is in USD, so this "
                                         r"one must be too.*`/target set @bob revenue 50000 USD "
                                         r"month:2026-12`"):
        team.say("mia", "/target set <@UBOB|bob> revenue 50k EUR month:2026-12")
    assert _targets(team) == before  # nothing written
    team.say("mia", "/target set <@UBOB|bob> revenue 50k month:2026-12")
    # and the other way round: the team's may not move to EUR under bob's USD target
    with pytest.raises(UsageError, match="bob's revenue target for 2026-12 is in USD"):
        team.say("mia", "/target set team revenue 600k EUR quarter:2026-Q4")
    # the leaderboard never shows a EUR target as USD, nor compares USD with EUR
    board = team.say("mia", "/sales leaderboard month:2026-12")
    assert "EUR" not in board


def test_with_only_rep_targets_the_team_views_use_their_currency(
        team: Chat, clock: Clock) -> None:
    team.say("mia", "/target set <@UBOB|bob> revenue 50k EUR month:2026-11")
    clock.now = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    team.say("bob", '/deal new "Bob EU" customer:"Initech" amount:40k EUR')
    team.say("bob", "/deal D-1 won")
    clock.now = NOW
    board = team.say("mia", "/sales leaderboard")
    assert "bob — 40,000 EUR (80% of 50,000 EUR)" in board  # not "0 USD (0% of 50,000 USD)"
    with team.deps.session_factory() as session:
        actor = actor_for(session, team.deps,
                          Caller(team.team_id, "UMIA", team.channel_id, "mia"), NOW)
        digest = run_digest(DigestArgs(), session=session, actor=actor, now=NOW)
    assert digest.currency == "EUR"
    assert [(r.name, r.score.actual) for r in digest.reps] == [("bob", Decimal(40_000))]
