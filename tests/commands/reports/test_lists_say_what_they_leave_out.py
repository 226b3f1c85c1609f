"""A list under a total never stops silently: the pipeline's deals closing this month and the
digest's slipped deals say how many more there are (and, for the pipeline, their amount), so
the list and its total never disagree without a word."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.dispatch import Caller, actor_for
from bot.render.reports import render_digest
from commands.reports.digest import DigestArgs, run_digest
from tests.conftest import NOW, Chat, Clock


def test_pipeline_says_how_many_closing_deals_it_does_not_list(team: Chat) -> None:
    team.say("mia", "/target set team revenue 900k month:2026-11")
    for n in range(1, 8):  # 10k .. 70k, all closing this month: 280,000 USD
        team.say("alice", f'/deal new "Deal {n}" customer:"Acme Corp" amount:{n}0k '
                          "close:2026-11-27")
    out = team.say("mia", "/pipeline team")
    assert "Closing in 2026-11: 280,000 USD" in out
    assert "D-7 Deal 7 70,000 USD" in out and "D-3 Deal 3 30,000 USD" in out
    assert "D-2 Deal 2" not in out
    assert "…and 2 more deals, 30,000 USD" in out  # D-2 20k + D-1 10k


def test_the_digest_says_how_many_more_deals_slipped(team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # in the week the digest reviews
    for n in range(1, 8):
        team.say("bob", f'/deal new "Deal {n}" customer:"Initech" amount:10k '
                        "close:2026-11-20")
    clock.now = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    for n in range(1, 8):
        team.say("bob", f"/deal D-{n} close:2026-12-04")
    clock.now = NOW
    with team.deps.session_factory() as session:
        actor = actor_for(session, team.deps, Caller(team.team_id, "UMIA", team.channel_id,
                                                     "mia"), NOW)
        digest = run_digest(DigestArgs(), session=session, actor=actor, now=NOW)
    assert len(digest.slipped) == 7
    text = render_digest(digest).plain()
    slipped = next(line for line in text.splitlines() if line.startswith("Slipped"))
    assert slipped.count("→ 2026-12-04") == 5
    assert slipped.endswith("(+2 more)")


def test_pipeline_counts_closed_deals_whatever_stage_they_began_at(team: Chat) -> None:
    # 20 closed deals: 10 created as leads, 10 created at proposal; no one stage saw all 20
    for n in range(1, 21):
        stage = "lead" if n <= 10 else "proposal"
        team.say("alice", f'/deal new "Deal {n}" customer:"Acme Corp" amount:10k stage:{stage}')
        team.say("alice", f"/deal D-{n} won" if n % 2 else f'/deal D-{n} lost reason:"price"')
    out = team.say("mia", "/pipeline team")
    assert "historical stage-to-won rates (20 closed deals)" in out
    assert "fewer than 20 closed deals" not in out
