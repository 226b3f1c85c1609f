"""The follow-up DM through the ticker: 09:00 in the owner's timezone, across DST changes,
overdue ones carried into the next morning once a day, exactly once with two tickers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from bot.dispatch import Caller, Deps, actor_for
from bot.listeners.followups import args_of_action
from bot.render import render
from bot.render.followups import (
    DONE_ACTION,
    KEEP_OPEN_ACTION,
    LOG_VISIT_ACTION,
    SNOOZE_ACTION,
    SNOOZE_DATE_ACTION,
)
from commands.core.errors import PermissionDenied
from commands.followups.followups import (
    FollowUpDone,
    FollowUpReopen,
    FollowUpSnooze,
    run_followups,
)
from jobs.followups import FollowUpReminder, FollowUpSource
from jobs.ticker import Ticker
from tests.conftest import Chat, Clock
from tests.jobs.recording import (
    RecordingNotifier,
    deliveries,
    member_id,
    set_timezone,
    tick_together,
    utc,
)


def two_tickers(deps: Deps) -> tuple[Ticker, Ticker, RecordingNotifier]:
    """Two instances on one database, posting to one (recorded) Slack."""
    notifier = RecordingNotifier()
    return (Ticker(deps.session_factory, notifier, [FollowUpSource()]),
            Ticker(deps.session_factory, notifier, [FollowUpSource()]), notifier)


def tick_both(a: Ticker, b: Ticker, at: datetime) -> list[str]:
    return a.tick(at).sent + b.tick(at).sent


def reminders(notifier: RecordingNotifier) -> list[FollowUpReminder]:
    found = [s.message for s in notifier.of(FollowUpReminder)]
    return [m for m in found if isinstance(m, FollowUpReminder)]


@pytest.fixture
def new_york(team: Chat, clock: Clock) -> Chat:
    """alice in New York owes Acme a quote on Saturday 31 October, the day before the clocks
    go back (2026-11-01 02:00 EDT -> 01:00 EST)."""
    set_timezone(team.deps.session_factory, "UALICE", "America/New_York")
    clock.now = utc(2026, 10, 29, 15)
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:2026-10-31')
    return team


def test_the_dm_comes_at_0900_local_on_both_sides_of_the_dst_change(
        new_york: Chat, deps: Deps) -> None:
    a, b, notifier = two_tickers(deps)
    alice = f"member:{member_id(deps.session_factory, 'UALICE')}"
    assert not tick_both(a, b, utc(2026, 10, 30, 13, 0))  # Friday: nothing due yet
    assert not tick_both(a, b, utc(2026, 10, 31, 12, 59))  # 08:59 EDT
    assert tick_both(a, b, utc(2026, 10, 31, 13, 0)) == [f"followup_dm:{alice}:2026-10-31"]
    assert not tick_both(a, b, utc(2026, 10, 31, 20, 0))  # never twice a day
    # Sunday, after the change: 09:00 EST is 14:00 UTC; 13:00 UTC is 08:00 local
    assert not tick_both(a, b, utc(2026, 11, 1, 13, 0))
    assert tick_both(a, b, utc(2026, 11, 1, 14, 0)) == [f"followup_dm:{alice}:2026-11-01"]
    assert not tick_both(a, b, utc(2026, 11, 1, 14, 1))
    first, carried = reminders(notifier)
    assert [m.to for m in notifier.of(FollowUpReminder)] == ["DUALICE", "DUALICE"]
    assert first.day == date(2026, 10, 31) and len(first.due_today) == 1 and not first.overdue
    assert carried.day == date(2026, 11, 1) and not carried.due_today
    assert [(f.ref, f.overdue_days) for f in carried.overdue] == [("F-1", 1)]


def test_berlin_across_its_dst_change_with_two_tickers_racing(
        team: Chat, deps: Deps, clock: Clock) -> None:
    set_timezone(deps.session_factory, "UBOB", "Europe/Berlin")  # 2026-10-25 03:00 -> 02:00
    clock.now = utc(2026, 10, 20, 12)
    team.say("bob", '/visit "Beta Ltd" next:"demo" by:2026-10-24')
    a, b, notifier = two_tickers(deps)
    for at in (utc(2026, 10, 24, 7, 0), utc(2026, 10, 25, 8, 0), utc(2026, 10, 26, 8, 0)):
        assert not tick_together([a, b], at)
        assert not tick_together([a, b], at)
    assert [r.day for r in reminders(notifier)] == [date(2026, 10, 24), date(2026, 10, 25),
                                                     date(2026, 10, 26)]
    assert [f.overdue_days for r in reminders(notifier) for f in r.items] == [0, 1, 2]
    # 07:00 UTC on the 25th is 08:00 CET: not yet
    assert deliveries(deps.session_factory)[
        f"followup_dm:member:{member_id(deps.session_factory, 'UBOB')}:2026-10-25"
    ].due_at == utc(2026, 10, 25, 8, 0)


def test_done_stops_the_dm_and_snooze_moves_it(new_york: Chat, deps: Deps,
                                              clock: Clock) -> None:
    a, b, notifier = two_tickers(deps)
    tick_both(a, b, utc(2026, 10, 31, 13, 0))
    clock.now = utc(2026, 10, 31, 16, 0)
    new_york.say("alice", "/followups snooze F-1 2026-11-03")
    assert not tick_both(a, b, utc(2026, 11, 1, 14, 0))
    assert not tick_both(a, b, utc(2026, 11, 2, 14, 0))
    assert len(tick_both(a, b, utc(2026, 11, 3, 14, 0))) == 1
    clock.now = utc(2026, 11, 3, 15, 0)
    new_york.say("alice", "/followups done F-1")
    assert not tick_both(a, b, utc(2026, 11, 4, 14, 0))
    assert len(reminders(notifier)) == 2


def test_a_follow_up_done_before_its_dm_is_claimed_sends_nothing(
        new_york: Chat, deps: Deps, clock: Clock) -> None:
    clock.now = utc(2026, 10, 31, 12, 0)
    new_york.say("alice", "/followups done F-1")
    a, b, notifier = two_tickers(deps)
    assert not tick_both(a, b, utc(2026, 10, 31, 13, 0)) and not notifier.sent


def test_the_dm_has_done_snooze_and_log_visit_for_each_follow_up(
        new_york: Chat, deps: Deps) -> None:
    a, b, notifier = two_tickers(deps)
    tick_both(a, b, utc(2026, 11, 1, 14, 0))
    [reminder] = reminders(notifier)
    reply = render(reminder)
    assert "Your follow-ups: 1 overdue." in reply.plain()
    assert "F-1 send quote · Acme Corp — overdue 1 day (due yesterday)" in reply.plain()
    actions = [b for b in reply.as_message()["blocks"] if b["type"] == "actions"]
    [block] = actions
    assert block["block_id"] == "followup_1"
    assert [e["action_id"] for e in block["elements"]] == [
        DONE_ACTION, SNOOZE_ACTION, SNOOZE_DATE_ACTION, LOG_VISIT_ACTION]
    assert [o["value"] for o in block["elements"][1]["options"]] == ["F-1:1d", "F-1:1w"]


@pytest.mark.parametrize("action, args", [
    ({"action_id": DONE_ACTION, "value": "3"}, FollowUpDone(3)),
    ({"action_id": SNOOZE_ACTION, "selected_option": {"value": "F-3:1w"}},
     FollowUpSnooze(3, "1w")),
    ({"action_id": SNOOZE_DATE_ACTION, "block_id": "followup_3",
      "selected_date": "2026-12-10"}, FollowUpSnooze(3, "2026-12-10")),
    ({"action_id": KEEP_OPEN_ACTION, "value": "F-3"}, FollowUpReopen(3)),
])
def test_a_buttons_payload_is_the_command_it_stands_for(action: dict[str, Any],
                                                         args: object) -> None:
    assert args_of_action(action) == args


def test_the_dm_buttons_act_through_the_command(new_york: Chat, deps: Deps,
                                                clock: Clock) -> None:
    """What a handler does with a click: run the command it stands for, as the clicker."""
    clock.now = utc(2026, 11, 1, 14, 5)
    with deps.session_factory.begin() as session:
        alice = actor_for(session, deps, Caller("T0TEST", "UALICE"), clock.now)
        changed = run_followups(args_of_action(
            {"action_id": SNOOZE_ACTION, "selected_option": {"value": "F-1:1d"}}),
            session=session, actor=alice, now=clock.now)
    assert "F-1 snoozed: due Mon 02 Nov (was yesterday)" in render(changed).plain()
    with deps.session_factory.begin() as session, pytest.raises(PermissionDenied):
        bob = actor_for(session, deps, Caller("T0TEST", "UBOB"), clock.now)
        run_followups(args_of_action({"action_id": DONE_ACTION, "value": "1"}),
                      session=session, actor=bob, now=clock.now)
