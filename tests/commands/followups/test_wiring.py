"""Follow-ups where the rest of salesbot shows them: the stand-up's "today", the Home tab,
the weekly digest, and the stale-deal rule. Today is Sunday 22 November 2026 (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.dispatch import Caller, actor_for
from commands.followups.followups import FollowUpListing
from commands.standup.draft import standup_draft
from commands.team.home import run_home
from commands.warnings.checks import team_deviations
from commands.warnings.rule_config import RuleConfig
from tests.commands.helpers import digest_of, team_of
from tests.conftest import NOW, Chat, Clock


def test_the_standup_today_is_prefilled_with_the_days_follow_ups(team: Chat,
                                                                   clock: Clock) -> None:
    clock.now = datetime(2026, 11, 20, 10, tzinfo=UTC)  # Friday
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:2026-11-23 Met CTO')
    team.say("alice", '/visit "Beta Ltd" next:"call back" by:2026-11-20')  # overdue by Monday
    team.say("alice", '/visit "Gamma" next:"renewal" by:2026-12-15')  # not yet
    team.say("alice", '/visit "Delta" next:"ask for intro" Chat')  # no follow-up
    clock.now = datetime(2026, 11, 23, 8, tzinfo=UTC)
    with team.deps.session_factory() as session:
        actor = actor_for(session, team.deps, Caller("T0TEST", "UALICE"), clock.now)
        draft = standup_draft(session, actor, date(2026, 11, 23), clock.now)
    lines = draft.today.split("\n")
    assert "• F-2 call back (Beta Ltd) (overdue)" in lines
    assert "• F-1 send quote (Acme Corp)" in lines
    assert "• ask for intro (Delta)" in lines  # a next step logged Friday, undated
    assert not any("renewal" in line for line in lines)
    assert sum("send quote" in line for line in lines) == 1  # listed once, as the follow-up


def test_the_home_tab_lists_the_follow_ups(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:tomorrow')
    with team.deps.session_factory() as session:
        actor = actor_for(session, team.deps, Caller("T0TEST", "UALICE"), NOW)
        home = run_home(session=session, actor=actor, now=NOW)
    part = next(p for p in home.parts if p.command == "/followups")
    assert isinstance(part.result, FollowUpListing)
    assert [f.ref for f in part.result.items] == ["F-1"]


def test_the_digest_counts_overdue_follow_ups_per_rep(team: Chat, clock: Clock) -> None:
    clock.now = NOW - timedelta(days=10)  # Thursday 12 November
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:2026-11-13')
    team.say("alice", '/visit "Beta Ltd" next:"call back" by:2026-11-20')
    team.say("bob", '/visit "Gamma" next:"demo" by:2026-11-21')
    team.say("bob", '/visit "Delta" next:"intro" by:2026-11-30')  # not due yet
    digest = digest_of(team, NOW)
    assert [(o.owner, o.count, o.oldest_days) for o in digest.overdue_follow_ups] == [
        ("alice", 2, 9), ("bob", 1, 1)]


def test_a_scheduled_next_step_keeps_a_deal_from_going_stale(team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 10, 1, 2, tzinfo=UTC)
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k')
    team.say("alice", '/deal new "Beta pilot" customer:"Beta Ltd" amount:10k')
    clock.now = NOW
    team.say("alice", '/deal D-1 next:"call CFO" by:2026-11-25')
    team.say("alice", '/deal D-2 next:"chase" by:tomorrow')
    clock.now = NOW + timedelta(days=2)  # D-2's next step is overdue now: no care any more

    with team.deps.session_factory() as session:
        ws, east = team_of(session, team)
        stale = [d.subject for d in team_deviations(session, ws, east, clock.now, RuleConfig())
                 if d.rule == "stale_deal"]
    assert stale == ["deal:D-2"]
