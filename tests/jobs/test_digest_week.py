"""Which week a digest reviews: Monday to Sunday, as the README's weeks run. The Monday DM
reviews the last complete week; `/sales digest` the current week up to now (on a Monday,
when none of this week is over, the last one, as the DM that morning). Its won and lost
lists count what its target line counts: a deal won today is in both."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.dispatch import Caller, Deps, actor_for
from commands.reports.digest import DigestArgs, DigestResult, reviewed_monday, run_digest
from jobs.digest import DigestPost, DigestSource
from jobs.ticker import Ticker
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, utc


@pytest.mark.parametrize("today, last_week, monday", [
    (date(2026, 12, 6), False, date(2026, 11, 30)),  # Sunday: the week now ending
    (date(2026, 12, 2), False, date(2026, 11, 30)),  # Wednesday: this week so far
    (date(2026, 12, 7), False, date(2026, 11, 30)),  # Monday: last week, as the DM
    (date(2026, 12, 7), True, date(2026, 11, 30)),
    (date(2026, 12, 6), True, date(2026, 11, 23)),  # a scheduled digest moved to Sunday
    (date(2026, 12, 9), True, date(2026, 11, 30)),  # ... or to Wednesday
])
def test_a_digest_reviews_a_monday_to_sunday_week(today: date, last_week: bool,
                                                  monday: date) -> None:
    assert reviewed_monday(today, last_week=last_week) == monday


def _on_demand(chat: Chat, now: datetime) -> DigestResult:
    with chat.deps.session_factory() as session:
        actor = actor_for(session, chat.deps, Caller(chat.team_id, "UMIA", chat.channel_id,
                                                     "mia"), now)
        return run_digest(DigestArgs(), session=session, actor=actor, now=now)


def test_on_sunday_the_digest_reviews_the_week_to_now_with_todays_win(
        team: Chat, clock: Clock) -> None:
    team.say("mia", "/target set team revenue 300k month:2026-12")
    clock.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday, Shanghai 10:00
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k')
    team.say("alice", '/deal new "Acme add-on" customer:"Acme Corp" amount:20k')
    clock.now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # Sunday 6 December
    team.say("alice", "/deal D-1 won")
    d = _on_demand(team, datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    assert d.week == (date(2026, 11, 30), date(2026, 12, 6))
    assert d.team is not None and d.team.actual == Decimal(100_000)
    assert [ref for ref, *_ in d.won] == ["D-1"]  # the target line's win, listed
    actual = d.cumulative[d.cumulative["day"] == date(2026, 12, 6)]["actual_cum"].iloc[0]
    assert actual == Decimal(100_000)  # the chart's line reaches today too


def test_the_monday_dm_and_the_digest_asked_for_that_day_review_the_same_week(
        team: Chat, deps: Deps) -> None:
    notifier = RecordingNotifier()
    Ticker(deps.session_factory, notifier, [DigestSource()]).tick(utc(2026, 11, 30, 10, 0))
    [post] = notifier.of(DigestPost)
    scheduled = post.message.digest  # type: ignore[attr-defined]
    asked = _on_demand(team, utc(2026, 11, 30, 10, 0))
    assert scheduled.week == asked.week == (date(2026, 11, 23), date(2026, 11, 29))


def test_a_digest_moved_to_wednesday_reviews_the_last_complete_week(
        team: Chat, deps: Deps) -> None:
    team.say("mia", "/sales config digest:wed-08:30")
    notifier = RecordingNotifier()
    Ticker(deps.session_factory, notifier, [DigestSource()]).tick(utc(2026, 12, 2, 10, 0))
    [post] = notifier.of(DigestPost)
    assert post.message.digest.week == (  # type: ignore[attr-defined]
        date(2026, 11, 23), date(2026, 11, 29))
