"""One win rate everywhere, and a team's plan that is its reps' plans added up.

Every figure built on a win rate (/plan, /pipeline, the warnings, the digest, the Home tab)
takes it from the same selection, with a minimum sample, and says which rate and why. A
team's activity figures are the sum of its reps' own plans, so `/plan @rep` adds up to
`/plan team` and a per-rep figure is the team's divided by its reps.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal

from sqlalchemy.orm import Session

from bot.dispatch import Caller, actor_for
from bot.render.reports import render_digest
from commands.core.actors import Actor
from commands.plan.plan import PlanResult
from commands.reports.digest import DigestArgs, run_digest
from commands.team.home import run_home
from commands.warnings.checks import team_deviations
from commands.warnings.deviations import Deviation
from commands.warnings.rule_config import RuleConfig
from storage import repo
from tests.conftest import NOW, Chat, Clock

ALICE, BOB, CAROL = "<@UALICE|alice>", "<@UBOB|bob>", "<@UCAROL|carol>"

ALICE_DEFAULT = ("the configured default win rate 20% (the team has 1 deal closed in 180 days, "
                 "fewer than 5; alice has 1 deal closed in 180 days, fewer than 5)")
TEAM_DEFAULT = ("the configured default win rate 20% (the team has 1 deal closed in 180 days, "
                "fewer than 5)")


def _win_first_deal(chat: Chat, who: str = "alice", n: int = 1) -> None:
    chat.say(who, f'/deal new "Deal {n}" customer:"Acme Corp" amount:50k')
    chat.say(who, f"/deal D-{n} won")


def _actor(session: Session, chat: Chat, user: str) -> Actor:
    return actor_for(session, chat.deps, Caller(chat.team_id, f"U{user.upper()}",
                                                chat.channel_id, user), NOW)


def _digest_text(chat: Chat) -> str:
    with chat.deps.session_factory() as session:
        return render_digest(run_digest(DigestArgs(), session=session,
                                        actor=_actor(session, chat, "mia"), now=NOW)).plain()


def _deviations(chat: Chat) -> list[Deviation]:
    with chat.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        team = repo.workspaces.team_by_channel(session, ws.id, chat.channel_id)
        assert team is not None
        return team_deviations(session, ws, team, NOW, RuleConfig())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_after_a_reps_first_won_deal_every_figure_uses_the_same_rate_and_says_why(
        team: Chat) -> None:
    team.say("mia", "/target set team revenue 400k month:2026-11")
    _win_first_deal(team)  # alice: 1 won of 1 closed, a 100% rate on a sample of one

    plan = _one_line(team.say("alice", "/plan"))
    pipeline = _one_line(team.say("alice", "/pipeline"))
    warnings = _one_line(team.say("mia", "/sales warnings"))
    # the one won deal is too few to plan on: the default, with the reason, everywhere
    assert ALICE_DEFAULT in plan
    assert "coverage 5.0×" in plan
    assert ALICE_DEFAULT in pipeline and "5.0×" in pipeline
    assert f"it needs 5.0× at {ALICE_DEFAULT}" in warnings
    assert "100%" not in warnings
    gap = next(d for d in _deviations(team) if d.rule == "coverage_gap" and d.who == "alice")
    assert gap.figure("win_rate") == Decimal("0.2")  # not 1 won of 1 closed

    # the team's figures: the same rule, the team's own sample
    assert TEAM_DEFAULT in _one_line(team.say("mia", "/plan team"))
    assert TEAM_DEFAULT in _one_line(team.say("mia", "/pipeline team"))
    assert f"it needs 5.0× at {TEAM_DEFAULT}" in warnings
    assert f"(needs 5.0× at {TEAM_DEFAULT})" in _one_line(_digest_text(team))


def test_a_rep_short_of_history_uses_the_teams_rate_in_plan_pipeline_and_warnings(
        team: Chat) -> None:
    team.say("mia", "/target set team revenue 400k month:2026-11")
    _win_first_deal(team, "alice", 1)
    for n in range(2, 7):  # bob: 2 won, 3 lost; the team: 3 won of 6 closed
        team.say("bob", f'/deal new "Deal {n}" customer:"Initech" amount:50k')
        team.say("bob", f"/deal D-{n} won" if n <= 3 else f'/deal D-{n} lost reason:"price"')
    alice = ("the team's 180-day win rate 50% (3 won of 6 closed; alice has 1 deal closed "
             "in 180 days, fewer than 5)")
    bob = "bob's own 180-day win rate 40% (2 won of 5 closed)"

    assert alice in _one_line(team.say("alice", "/plan"))
    assert alice in _one_line(team.say("alice", "/pipeline"))
    assert bob in _one_line(team.say("bob", "/plan"))
    assert bob in _one_line(team.say("bob", "/pipeline"))
    by_who = {(d.rule, d.who): d for d in _deviations(team)}
    assert by_who["coverage_gap", "alice"].figure("win_rate") == Decimal("0.5")
    assert alice in by_who["coverage_gap", "alice"].message
    assert by_who["coverage_gap", "bob"].figure("win_rate") == Decimal("0.4")
    assert "the team's 180-day win rate 50% (3 won of 6 closed)" in _one_line(
        _digest_text(team))


def test_the_configured_default_win_rate_is_the_default_everywhere(team: Chat) -> None:
    team.say("mia", "/sales config warnings default_win_rate:25%")
    team.say("mia", "/target set team revenue 400k month:2026-11")
    plan = _one_line(team.say("alice", "/plan"))
    assert "the configured default win rate 25% (no closed deals in the team's history yet)" \
        in plan
    assert "coverage 4.0×" in plan
    assert "a 25% win rate needs" in _one_line(team.say("alice", "/pipeline"))
    assert "(needs 4.0× at the configured default win rate 25%" in _one_line(
        _digest_text(team))


def _figures(text: str) -> tuple[int, int, int]:
    """Wins, opportunities and visits of a rep's /plan reply."""
    found = [int(re.search(rf"→ (\d+) {word}", text).group(1))  # type: ignore[union-attr]
             for word in ("wins?", "opportunities", "visits")]
    return found[0], found[1], found[2]


def test_a_three_rep_teams_plan_is_the_sum_of_its_reps_plans(team: Chat) -> None:
    team.say("mia", f"/sales team add {CAROL}")
    team.say("mia", "/target set team revenue 1M month:2026-11")
    # each rep's third is 333,333.33: 3.3 deals of 100k, so 4 wins, 20 opportunities and 80
    # visits each; the team needs what its three reps need, 12 wins, not "10 wins, 4 per rep"
    reps = [_figures(team.say("mia", f"/plan {who}")) for who in (ALICE, BOB, CAROL)]
    assert reps == [(4, 20, 80)] * 3
    out = _one_line(team.say("mia", "/plan team"))
    total = tuple(sum(r[i] for r in reps) for i in range(3))
    assert f"→ {total[0]} wins · {total[1]} opportunities · {total[2]} visits" in out
    assert "the sum of 3 reps' own plans" in out
    for name in ("alice", "bob", "carol"):
        assert f"• {name}: 4 wins, 20 opportunities, 80 visits" in out


def test_the_warnings_per_rep_figure_is_the_teams_divided_by_its_reps(team: Chat) -> None:
    team.say("mia", f"/sales team add {CAROL}")
    clock = team.deps.clock
    assert isinstance(clock, Clock)
    clock.now = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # pace is judged from the month's start
    team.say("mia", "/target set team revenue 1M month:2026-11")
    clock.now = NOW
    behind = next(d for d in _deviations(team) if d.rule == "behind_pace"
                  and d.subject.startswith("team:"))
    team_per_day = behind.figure("visits_per_day")
    per_rep = behind.figure("visits_per_rep_per_day")
    assert isinstance(team_per_day, Decimal) and isinstance(per_rep, Decimal)
    assert per_rep == team_per_day / 3
    # the team's visits a day are /plan team's, the reps' own (80 over the 6 working days
    # left, 13.34 each) added up
    reps = [re.search(r"→ ([\d.]+) visits per working day", team.say("mia", f"/plan {who}"))
            for who in (ALICE, BOB, CAROL)]
    assert [r.group(1) for r in reps if r] == ["13.34"] * 3
    assert team_per_day == Decimal("40.02")
    assert "40.02 visits per working day" in _one_line(team.say("mia", "/plan team"))
    shown = (per_rep * 10).to_integral_value(ROUND_CEILING) / 10
    assert f"40.1 visits a day ({shown} per rep on average, 3 reps)" in behind.message


def test_the_home_tab_plan_is_the_plan(team: Chat) -> None:
    team.say("mia", "/target set team revenue 400k month:2026-11")
    _win_first_deal(team)
    with team.deps.session_factory() as session:
        home = run_home(session=session, actor=_actor(session, team, "alice"), now=NOW)
    [plan] = [p.result for p in home.parts if p.command == "/plan"]
    assert isinstance(plan, PlanResult)
    assert plan.plan.rates.win().describe() == ALICE_DEFAULT
