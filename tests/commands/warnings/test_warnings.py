"""`/sales warnings`, Snooze and Acknowledge, and when a warning is posted again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.dispatch import Caller, actor_for
from commands.core.errors import PermissionDenied, UsageError
from commands.warnings.deviations import SERIOUS, WARNING, Deviation
from commands.warnings.warnings import (
    WarningsArgs,
    acknowledge_warning,
    evaluate,
    parse_warning_value,
    parse_warnings,
    reason_to_post,
    record_posted,
    snooze_warning,
    warning_value,
)
from storage.models import Team, WarningState
from tests.conftest import Chat, Clock
from tests.helpers import team_id

MON_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
WEEK = timedelta(days=7)


def _deviation(severity: int = WARNING) -> Deviation:
    return Deviation("stale_deal", "deal:D-1", "alice", severity, "D-1 idle", "visit them")


def _state(**kw: Any) -> WarningState:
    base: dict[str, Any] = dict(team_id=1, key="stale_deal:deal:D-1", rule="stale_deal",
                                message="D-1 idle", active=True, first_seen_at=MON_10,
                                last_seen_at=MON_10, last_posted_at=MON_10,
                                posted_severity=WARNING)
    return WarningState(**(base | kw))


def test_when_a_warning_is_posted() -> None:
    later, much_later = MON_10 + timedelta(hours=5), MON_10 + WEEK
    d, worse = _deviation(), _deviation(SERIOUS)
    assert reason_to_post(d, None, WEEK, MON_10) == "new"
    assert reason_to_post(d, _state(), WEEK, later) is None  # cooling down
    assert reason_to_post(worse, _state(), WEEK, later) == "worse"
    assert reason_to_post(d, _state(), WEEK, much_later) == "again"
    snoozed = _state(snoozed_until=much_later)
    assert reason_to_post(worse, snoozed, WEEK, later) is None
    assert reason_to_post(worse, snoozed, WEEK, much_later) == "worse"
    acked = _state(acknowledged_at=later)
    assert reason_to_post(d, acked, WEEK, much_later + WEEK) is None  # however long
    assert reason_to_post(worse, acked, WEEK, later) == "worse"
    resolved = _state(active=False, acknowledged_at=later)
    assert reason_to_post(d, resolved, WEEK, later) == "new"  # back again: new
    assert reason_to_post(d, _state(active=False, snoozed_until=much_later), WEEK,
                          later) is None


def test_parse_warnings_takes_a_team() -> None:
    assert parse_warnings("") == WarningsArgs(None)
    assert parse_warnings('team:"East Coast"') == WarningsArgs("East Coast")
    assert parse_warnings("East") == WarningsArgs("East")
    assert parse_warning_value(warning_value(3, "behind_pace:team:3")) == (3, "behind_pace:team:3")
    with pytest.raises(UsageError):
        parse_warning_value("behind_pace")


@pytest.fixture
def behind(team: Chat, clock: Clock) -> Chat:
    """East: 150k of a 300k November target won by bob, alice owns an idle 40k deal."""
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # the target is set as the month begins
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k')
    clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:150k')
    team.say("bob", "/deal D-2 won")
    clock.now = MON_10
    return team


def _post_all(chat: Chat) -> list[Deviation]:
    """Record every warning firing now as posted, as the scheduled check does."""
    with chat.deps.session_factory.begin() as session:
        team = session.get_one(Team, team_id(chat))
        found = evaluate(session, team, MON_10)
        record_posted(session, team.id, found, [d.key for d in found], "1.000100", MON_10)
    return found


def _act(chat: Chat, user: str, action: Any, *args: Any) -> Any:
    with chat.deps.session_factory.begin() as session:
        now = chat.deps.clock()
        actor = actor_for(session, chat.deps, Caller(chat.team_id, f"U{user.upper()}",
                                                     chat.channel_id, user), now)
        return action(session, actor, *args, now=now)


def test_sales_warnings_lists_what_fires_with_snooze_and_acknowledgement(
        behind: Chat, clock: Clock) -> None:
    tid = team_id(behind)
    _post_all(behind)
    clock.now = MON_10 + timedelta(minutes=30)
    _act(behind, "mia", snooze_warning, tid, f"behind_pace:team:{tid}", 7, "Big deal Friday")
    _act(behind, "mia", acknowledge_warning, tid, "stale_deal:deal:D-1")
    out = behind.say("bob", "/sales warnings")
    assert out.startswith("Warnings of East now")
    pace = next(line for line in out.splitlines() if "East: 50% of November's target" in line)
    assert "Behind pace (warning)" in pace
    lines = out.splitlines()
    after_pace = lines[lines.index(pace) + 2]
    # times in bob's timezone (UTC here)
    assert "snoozed until Mon 30 Nov 02:30 (Big deal Friday)" in after_pace
    assert "last posted Mon 23 Nov 02:00" in after_pace
    stale = lines[lines.index(next(x for x in lines if "D-1 Acme renewal" in x
                                   and "no activity" in x)) + 2]
    assert "acknowledged by mia on Mon 23 Nov 02:30" in stale
    assert "Fix:" in out
    assert behind.say("mia", '/sales warnings team:"East"') == out


def test_sales_warnings_says_so_when_nothing_fires(team: Chat) -> None:
    assert team.say("alice", "/sales warnings") == \
        ":white_check_mark: No warnings for East right now."


def test_sales_warnings_is_for_the_team_and_turned_off_rules_are_listed(behind: Chat) -> None:
    behind.say("mia", "/sales config warnings off:tier_cadence,stale_deal")
    out = behind.say("alice", "/sales warnings")
    assert "Off: stale_deal, tier_cadence" in out and "no activity" not in out
    with pytest.raises(PermissionDenied):
        behind.say("carol", '/sales warnings team:"East"')  # not in the team


def test_managers_admins_and_the_person_concerned_may_snooze_or_acknowledge(
        behind: Chat, clock: Clock) -> None:
    tid = team_id(behind)
    _post_all(behind)
    clock.now = MON_10 + timedelta(hours=1)
    team_key, deal_key = f"behind_pace:team:{tid}", "stale_deal:deal:D-1"
    with pytest.raises(PermissionDenied, match="manager of East"):
        _act(behind, "bob", snooze_warning, tid, deal_key, 1, "")  # alice's deal
    with pytest.raises(PermissionDenied):
        _act(behind, "alice", acknowledge_warning, tid, team_key)  # the team's
    done = _act(behind, "alice", snooze_warning, tid, deal_key, 1, "  on holiday ")
    assert (done.snoozed_until, done.reason) == (clock.now + timedelta(days=1), "on holiday")
    with pytest.raises(UsageError, match="1 day or 1 week"):
        _act(behind, "mia", snooze_warning, tid, team_key, 3, "")
    done = _act(behind, "mia", acknowledge_warning, tid, team_key)
    assert not done.already and done.by_user_id == "UMIA"
    again = _act(behind, "alice", acknowledge_warning, tid, deal_key)
    assert not again.already
    assert _act(behind, "mia", acknowledge_warning, tid, deal_key).by_user_id == "UALICE"
    with behind.deps.session_factory() as session:
        rows = {s.key: s for s in session.scalars(select(WarningState))}
    assert rows[deal_key].snooze_reason == "on holiday"
    assert rows[team_key].acknowledged_at == clock.now
    assert rows[team_key].posted_severity == WARNING
