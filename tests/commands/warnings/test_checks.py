"""The deviation rules fed from the database: a team's month at a fixed moment."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy.orm import Session

from commands.warnings.checks import decided_funnel, team_deviations
from commands.warnings.deviations import Deviation
from commands.warnings.rule_config import RuleConfig
from storage import repo
from tests.conftest import NOW, Chat, Clock


def _deviations(chat: Chat, config: RuleConfig | None = None,
                now: datetime = NOW) -> dict[str, Deviation]:
    with chat.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        team = repo.workspaces.team_by_channel(session, ws.id, chat.channel_id)
        assert team is not None
        found = team_deviations(session, ws, team, now, config or RuleConfig())
        return {d.key.replace(f"team:{team.id}", "team").replace(
            f"member:{_id(session, ws.id, 'alice')}", "alice").replace(
            f"member:{_id(session, ws.id, 'bob')}", "bob"): d for d in found}


def _id(session: Session, ws_id: int, name: str) -> int:
    return repo.workspaces.members_named(session, ws_id, name)[0].id


def test_a_team_behind_with_a_stale_late_deal_and_a_neglected_a_customer(
        team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # the target is set as the month begins
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    team.say("alice", '/visit "Acme Corp" tier:A Kick-off')
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k '
                      "close:2026-11-10")
    clock.now = NOW
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:30k')
    team.say("bob", "/deal D-2 won")
    found = _deviations(team)
    # East: 30k of 300k with 15 of 21 working days gone; 270k over the 6 left is 45k a day
    behind = found["behind_pace:team"]
    assert behind.figure("required_per_working_day") == Decimal("45000.00")
    assert "East: 10% of November's target with 71% of working days gone" in behind.message
    assert {"behind_pace:alice", "behind_pace:bob"} <= set(found)
    stale = found["stale_deal:deal:D-1"]
    assert stale.figure("days_idle") == 52
    late = found["close_date_passed:deal:D-1"]
    assert late.figure("days_late") == 12
    cadence = next(d for k, d in found.items() if k.startswith("tier_cadence"))
    assert cadence.figure("days_since_visit") == 52
    assert "Acme Corp (tier A), alice" in cadence.message


def test_rules_that_are_off_stay_quiet_and_a_team_on_plan_gets_no_pace_warning(
        team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # the target is set as the month begins
    team.say("mia", "/target set team revenue 30k month:2026-11")
    clock.now = NOW
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:30k')
    team.say("bob", "/deal D-1 won")
    found = _deviations(team, RuleConfig(off=frozenset({"tier_cadence"})))
    assert "behind_pace:team" not in found and "behind_pace:bob" not in found
    assert "behind_pace:alice" in found  # her half is untouched
    assert not any(k.startswith("tier_cadence") for k in found)


def test_decided_funnel_counts_only_deals_whose_fate_at_a_stage_is_known() -> None:
    fates = pd.DataFrame({"position": [0, 0, 2, 3], "lost": [False, True, True, False],
                          "deals": [4, 2, 1, 3]})
    funnel = decided_funnel(fates, ["lead", "qualified", "proposal"])
    # lead: 4 moved past it, 2 lost there (4 still sit there, undecided)
    assert funnel.values.tolist() == [["lead", 6, 4], ["qualified", 4, 4], ["proposal", 4, 3]]



def test_pace_is_judged_from_when_the_target_was_set_not_from_the_months_start(
        team: Chat, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 19, 1, 0, tzinfo=UTC)  # Thursday 09:00 in Shanghai
    team.say("mia", "/target set team revenue 300k quarter:2026-Q4")
    # Sunday the 22nd: two working days (Thu, Fri) since the target was set, too early to say;
    # from the month's start it would be 15 of 21 with nothing won
    found = _deviations(team)
    assert not [k for k in found if k.startswith("behind_pace")]
    # Wednesday the 25th: 4 of the 8 working days from Thu 19 to Mon 30 are gone
    clock.now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    team.say("mia", "/target set team revenue 360k quarter:2026-Q4")  # a change restarts nothing
    behind = _deviations(team, now=clock.now)["behind_pace:team"]
    assert behind.figure("expected_share") == Decimal("0.5")
    assert ("with 50% of working days gone since the target was set on Thu 19 Nov"
            in behind.message)
