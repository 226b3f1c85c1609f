"""Deviation warnings on the ticker: checks at 10:00 and 15:00 team time on working days,
cooldown, worse, snooze, acknowledge, a warning coming back, races and dry runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.dispatch import Caller, Deps, actor_for
from bot.render import render
from commands.warnings.deviations import CRITICAL, SERIOUS, WARNING
from commands.warnings.warnings import acknowledge_warning, snooze_warning
from jobs.due import DueItem
from jobs.notify import Post
from jobs.ticker import Ticker
from jobs.warnings import KIND, WarningPost, WarningSource
from storage import repo
from storage.db import make_engine, make_session_factory
from storage.models import DeliveryStatus, Team, WarningState
from tests.conftest import Chat, Clock
from tests.helpers import team_id
from tests.jobs.recording import (
    PAST_WARNING,
    RecordingNotifier,
    deliveries,
    member_id,
    past_first_check,
    tick_together,
    utc,
)

MON_10 = utc(2026, 11, 23, 2)  # Monday 10:00 in Shanghai
MON_15 = utc(2026, 11, 23, 7)
TUE_10 = utc(2026, 11, 24, 2)
TUE_15 = utc(2026, 11, 24, 7)
ONLY_PACE = ("off:activity_shortfall,coverage_gap,stale_deal,close_date_passed,"
             "close_date_pushed,tier_cadence,funnel_bottleneck")


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def ticker(deps: Deps, notifier: RecordingNotifier) -> Ticker:
    return Ticker(deps.session_factory, notifier, [WarningSource()])


@pytest.fixture
def behind(team: Chat, clock: Clock) -> Chat:
    """East has a 300k November target and has won 150k (bob's): half done, with 15 of 21
    working days gone on Monday the 23rd (pace 0.70, a warning) and 16 on Tuesday (0.66,
    serious). Alice has won nothing of her 150k share (critical)."""
    now = clock.now
    clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)  # the target is set as the month begins
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = now
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" amount:150k')
    team.say("bob", "/deal D-1 won")
    past_first_check(team.deps.session_factory)
    return team


@pytest.fixture
def paced(behind: Chat) -> Chat:
    """The same, with every rule but behind_pace turned off."""
    behind.say("mia", f"/sales config warnings {ONLY_PACE}")
    return behind


def posts(notifier: RecordingNotifier) -> list[WarningPost]:
    out = []
    for s in notifier.sent:
        assert isinstance(s.message, WarningPost)
        out.append(s.message)
    return out


def posted(notifier: RecordingNotifier) -> dict[str, tuple[int, str]]:
    """Every warning posted so far: key -> (severity, why), the latest post winning."""
    return {d.key: (d.severity, p.reason(d)) for p in posts(notifier) for d in p.warnings}


def states(chat: Chat) -> dict[str, WarningState]:
    with chat.deps.session_factory() as session:
        return {s.key: s for s in session.scalars(select(WarningState))
                if s.key != PAST_WARNING}


def act(chat: Chat, user: str, action: Callable[..., Any], *args: Any) -> Any:
    with chat.deps.session_factory.begin() as session:
        now = chat.deps.clock()
        actor = actor_for(session, chat.deps, Caller(chat.team_id, f"U{user.upper()}",
                                                     chat.channel_id, user), now)
        return action(session, actor, *args, now=now)


def test_a_team_behind_pace_gets_one_post_at_1000_team_time_with_numbers_and_fix(
        behind: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    tid = team_id(behind)
    alice = member_id(behind.deps.session_factory, "UALICE")
    assert ticker.tick(MON_10 - timedelta(minutes=1)).sent == []
    assert ticker.tick(MON_10).sent == [f"{KIND}:team:{tid}:2026-11-23T10"]
    [sent] = notifier.sent
    assert sent.to == "C0EAST" and sent.thread_ts is None
    [post] = posts(notifier)
    pace = {d.key: d for d in post.warnings}[f"behind_pace:team:{tid}"]
    assert pace.severity == WARNING and post.reason(pace) == "new"
    assert pace.message.startswith("East: 50% of November's target with 71% of working days "
                                   "gone; needs 25,000 USD per working day")
    assert pace.fix.startswith("Close 25,000 USD per working day for the 6 working days left")
    assert f"behind_pace:member:{alice}" in post.firing and post.more == 0
    # the worst first
    assert [d.severity for d in post.warnings] == sorted(
        (d.severity for d in post.warnings), reverse=True)
    text = render(post).text
    assert "East: 50% of November's target" in text and "*Fix:* Close 25,000 USD" in text
    saved = states(behind)
    assert set(saved) == {d.key for d in post.warnings}
    row = saved[f"behind_pace:team:{tid}"]
    assert (row.severity, row.posted_severity, row.last_posted_at, row.message_ts,
            row.active, row.first_seen_at) == (WARNING, WARNING, MON_10, sent.ts, True, MON_10)
    assert row.message == pace.message and row.fix == pace.fix
    assert ticker.tick(MON_10 + timedelta(minutes=1)).sent == []


def test_the_same_warning_waits_for_its_cooldown_unless_it_gets_worse(
        behind: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    tid = team_id(behind)
    ticker.tick(MON_10)
    first = posted(notifier)
    notifier.sent.clear()
    report = ticker.tick(MON_15)
    key = f"{KIND}:team:{tid}:2026-11-23T15"
    assert report.skipped == [key] and notifier.sent == []
    assert deliveries(behind.deps.session_factory)[key].last_error == "nothing to send"
    ticker.tick(TUE_10)  # one more working day gone, no more revenue: pace 0.66
    assert posted(notifier) == {f"behind_pace:team:{tid}": (SERIOUS, "worse")}
    notifier.sent.clear()
    ticker.tick(TUE_15)
    assert notifier.sent == []
    ticker.tick(utc(2026, 11, 30, 2))  # a week after Monday: the cooldown has run out
    again = posted(notifier)
    assert again[f"coverage_gap:team:{tid}"] == (first[f"coverage_gap:team:{tid}"][0], "again")
    assert f"behind_pace:team:{tid}" not in again  # posted worse on Tuesday, 6 days ago


def test_a_snoozed_warning_stays_quiet_until_the_snooze_ends(
        paced: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    tid = team_id(paced)
    ticker.tick(MON_10)
    clock.now = MON_10 + timedelta(minutes=30)
    act(paced, "mia", snooze_warning, tid, f"behind_pace:team:{tid}", 1, "Big deal closes Tue")
    row = states(paced)[f"behind_pace:team:{tid}"]
    assert (row.snoozed_until, row.snooze_reason) == (clock.now + timedelta(days=1),
                                                      "Big deal closes Tue")
    notifier.sent.clear()
    assert ticker.tick(TUE_10).sent == []  # worse, but snoozed until 10:30
    assert notifier.sent == []
    ticker.tick(TUE_15)
    assert posted(notifier) == {f"behind_pace:team:{tid}": (SERIOUS, "worse")}


def test_an_acknowledged_warning_stays_quiet_until_it_gets_worse(
        paced: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    paced.say("mia", "/sales config warnings cooldown_days:0")  # otherwise posted every check
    tid = team_id(paced)
    alice = member_id(paced.deps.session_factory, "UALICE")
    ticker.tick(MON_10)
    assert posted(notifier) == {f"behind_pace:team:{tid}": (WARNING, "new"),
                                f"behind_pace:member:{alice}": (CRITICAL, "new")}
    clock.now = MON_10 + timedelta(minutes=5)
    act(paced, "mia", acknowledge_warning, tid, f"behind_pace:team:{tid}")
    notifier.sent.clear()
    ticker.tick(MON_15)
    assert posted(notifier) == {f"behind_pace:member:{alice}": (CRITICAL, "again")}
    notifier.sent.clear()
    ticker.tick(TUE_10)
    assert posted(notifier)[f"behind_pace:team:{tid}"] == (SERIOUS, "worse")
    row = states(paced)[f"behind_pace:team:{tid}"]
    assert (row.acknowledged_at, row.posted_severity) == (None, SERIOUS)


def test_a_warning_that_resolves_and_comes_back_is_new_again(
        paced: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    tid = team_id(paced)
    alice = member_id(paced.deps.session_factory, "UALICE")
    key = f"behind_pace:member:{alice}"
    ticker.tick(MON_10)
    clock.now = MON_10 + timedelta(minutes=5)
    act(paced, "alice", acknowledge_warning, tid, key)  # the warning is about her
    paced.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:150k')
    paced.say("alice", "/deal D-2 won")  # East and alice are on plan now
    notifier.sent.clear()
    assert ticker.tick(MON_15).skipped == [f"{KIND}:team:{tid}:2026-11-23T15"]
    assert {k: s.active for k, s in states(paced).items()} == {
        key: False, f"behind_pace:team:{tid}": False}
    clock.now = MON_15 + timedelta(hours=1)
    paced.say("alice", "/deal D-2 stage:negotiation")  # reopened: behind again
    ticker.tick(TUE_10)
    assert posted(notifier)[key] == (CRITICAL, "new")  # no worse, cooled down and acked
    row = states(paced)[key]
    assert (row.active, row.acknowledged_at, row.first_seen_at) == (True, None, TUE_10)


def test_no_checks_on_weekends_or_team_holidays(
        behind: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    behind.say("mia", '/sales holiday add 2026-11-23 "Team day"')
    assert ticker.tick(utc(2026, 11, 21, 8)).sent == []  # Saturday 16:00
    assert ticker.tick(utc(2026, 11, 22, 8)).sent == []  # Sunday 16:00
    assert ticker.tick(MON_15 + timedelta(hours=1)).sent == []  # the holiday
    assert deliveries(behind.deps.session_factory) == {}
    assert len(ticker.tick(TUE_10).sent) == 1


def test_checks_follow_the_team_timezone_across_a_dst_change(
        team: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    with team.deps.session_factory.begin() as session:
        session.execute(update(Team).values(timezone="America/New_York"))
    monkeypatch.setattr("jobs.warnings.evaluate", _no_rules)  # due() never runs the rules
    source = WarningSource()

    def due(now: datetime) -> list[tuple[str, datetime]]:
        with team.deps.session_factory() as session:
            return [(i.local_period, i.due_at) for i in source.due(session, now)]

    assert due(utc(2026, 10, 30, 23)) == [("2026-10-30T10", utc(2026, 10, 30, 14)),
                                          ("2026-10-30T15", utc(2026, 10, 30, 19))]
    assert due(utc(2026, 11, 2, 16)) == [("2026-11-02T10", utc(2026, 11, 2, 15))]  # EST
    assert due(utc(2026, 11, 2, 14, 59)) == []


def _no_rules(*args: Any) -> None:
    raise AssertionError("due() must not evaluate the rules")


def test_a_long_list_is_capped_and_the_rest_follows_at_the_next_check(
        team: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    team.say("mia", "/sales config warnings " + ONLY_PACE.replace("stale_deal,", "")
             .replace("off:", "off:behind_pace,"))
    clock.now = utc(2026, 10, 1, 2)
    for n in range(10):
        team.say("alice", f'/deal new "Deal {n}" customer:"Acme" amount:{n + 1}k')
    past_first_check(team.deps.session_factory)
    ticker.tick(MON_10)
    [post] = posts(notifier)
    assert (len(post.warnings), post.more, len(post.firing)) == (8, 2, 10)
    assert {post.mention(d) for d in post.warnings} == {"UALICE"}
    assert "and 2 more: `/sales warnings`" in render(post).text
    notifier.sent.clear()
    ticker.tick(MON_15)
    [rest] = posts(notifier)
    assert (len(rest.warnings), rest.more) == (2, 0)
    assert not {d.key for d in rest.warnings} & {d.key for d in post.warnings}


def test_two_tickers_racing_post_the_check_once(
        behind: Chat, db_url: str, notifier: RecordingNotifier) -> None:
    engines = [make_engine(db_url) for _ in range(2)]
    tickers = [Ticker(make_session_factory(e), notifier, [WarningSource()]) for e in engines]
    errors = tick_together(tickers, MON_10)
    for e in engines:
        e.dispose()
    assert not errors
    [post] = posts(notifier)
    rows = deliveries(behind.deps.session_factory)
    assert [r.status for r in rows.values()] == [DeliveryStatus.SENT]
    assert set(states(behind)) == {d.key for d in post.warnings}


def test_a_dry_run_shows_the_post_and_writes_nothing(
        behind: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    [planned] = ticker.plan(MON_10)
    assert planned.action == "send" and isinstance(planned.posts[0].message, WarningPost)
    assert deliveries(behind.deps.session_factory) == {} and states(behind) == {}
    assert notifier.sent == []


class HookedSource:
    """One item; its hooks fail or count, to show what the ticker does around them."""

    kinds: tuple[str, ...] = ("note",)
    grace: timedelta | None = None

    def __init__(self, item: DueItem, *, empty: bool = False) -> None:
        self.item = item
        self.empty = empty
        self.quiet: list[str] = []

    def due(self, session: Session, now: datetime) -> list[DueItem]:
        return [self.item]

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        return [] if self.empty else [Post("C1", "hello")]

    def posted(self, session: Session, item: DueItem, post: Post, ts: str,
               now: datetime) -> None:
        repo.claims.claim_once(session, "written by a failing hook", now)
        raise RuntimeError("bookkeeping broke")

    def nothing_to_send(self, session: Session, item: DueItem, now: datetime) -> None:
        self.quiet.append(item.key)


def test_a_failing_posted_hook_never_gets_a_post_sent_twice(
        team: Chat, deps: Deps, notifier: RecordingNotifier) -> None:
    with deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, team.team_id)
        assert ws is not None
    item = DueItem("note", "team:1", "2026-11-23", MON_10, ws.id)
    t = Ticker(deps.session_factory, notifier, [HookedSource(item)])
    assert t.tick(MON_10).sent == [item.key]
    assert t.tick(MON_10 + timedelta(minutes=5)).sent == [] and len(notifier.sent) == 1
    row = deliveries(deps.session_factory)[item.key]
    assert (row.status, row.parts_sent) == (DeliveryStatus.SENT, 1)
    with deps.session_factory.begin() as session:  # the hook's write was rolled back
        assert repo.claims.claim_once(session, "written by a failing hook", MON_10)
    quiet = HookedSource(DueItem("note", "team:2", "2026-11-23", MON_10, ws.id), empty=True)
    assert Ticker(deps.session_factory, notifier, [quiet]).tick(MON_10).skipped == [
        "note:team:2:2026-11-23"]
    assert quiet.quiet == ["note:team:2:2026-11-23"]


# --- day one ------------------------------------------------------------------------------


def test_a_new_teams_first_post_is_one_calm_summary_not_a_wall_of_criticals(
        team: Chat, ticker: Ticker, notifier: RecordingNotifier, clock: Clock) -> None:
    clock.now = utc(2026, 10, 1, 2)  # deals that have gone quiet since October
    for n in range(6):
        team.say("alice", f'/deal new "Deal {n}" customer:"Acme" amount:{n + 1}k '
                          "close:2026-10-20")
    clock.now = utc(2026, 11, 10, 2)  # a quarter target set mid-quarter, mid-month
    team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    ticker.tick(MON_10)
    [post] = posts(notifier)
    assert post.first and post.more == 0 and len(post.warnings) > 8  # all of them, at once
    assert set(post.firing) == {d.key for d in post.warnings}
    reply = render(post)
    assert reply.text.startswith("*East*: salesbot now checks the plan twice a working day. "
                                 f"The first check found {len(post.warnings)} things to look at")
    assert "• Stale deal: 6 (alice 6)" in reply.text
    assert "• Behind pace: 3 (" in reply.text
    assert ":red_circle:" not in reply.text and "critical" not in reply.text
    assert "`/sales warnings` lists each one" in reply.text
    assert not [b for b in reply.blocks if b.type == "actions"]  # no wall of buttons
    # everything in the summary counts as posted: the next check has nothing new to say
    notifier.sent.clear()
    assert ticker.tick(MON_15).sent == [] and notifier.sent == []
    assert {k for k, s in states(team).items() if s.last_posted_at == MON_10} == set(post.firing)


def test_a_revenue_warning_post_names_the_deals_it_left_out(
        behind: Chat, ticker: Ticker, notifier: RecordingNotifier) -> None:
    behind.say("alice", '/deal new "Euro deal" customer:"Acme Corp" amount:120k EUR')
    behind.say("alice", "/deal D-2 won")  # no EUR→USD rate: not in alice's or East's revenue
    ticker.tick(MON_10)
    [post] = posts(notifier)
    assert any(d.rule == "behind_pace" for d in post.warnings)
    text = render(post).text
    assert ("Left out: D-2 Euro deal (120,000 EUR): in EUR, and no EUR→USD rate is set"
            in text)
