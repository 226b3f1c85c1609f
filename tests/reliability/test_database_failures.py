"""The database fails in the middle of a command or a scheduled job.

A command cut off at any of its SQL statements (or at its commit) writes nothing, tells the
user, and can be sent again. A tick cut off anywhere sends every due item later, once.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.dispatch import Deps
from bot.render import Reply
from jobs.standup import StandupPrompt
from jobs.ticker import Ticker
from storage.models import Delivery, DeliveryStatus
from tests.bot.http_helpers import Client
from tests.conftest import Chat
from tests.jobs.recording import RecordingNotifier, deliveries, make_ticker, utc
from tests.reliability.helpers import FailingDatabase, changed_tables, counts, snapshot

AT = utc(2026, 11, 23, 1, 30)  # Monday 09:30 in Shanghai: East's stand-up prompts are due
EVERYONE = {"DUMIA", "DUALICE", "DUBOB"}


# --- commands -------------------------------------------------------------------------------


def cut_off_everywhere(chat: Chat, engine: Engine, db: FailingDatabase, user: str, line: str,
                       key: str) -> Reply:
    """Send `line` with its N-th statement failing, for N = 1, 2, ... until it gets through;
    each failed try must raise and leave the database as it was. The reply that got through."""
    for n in range(1, 500):
        before = snapshot(engine)
        db.fail_at(n, thread=threading.get_ident())
        try:
            reply = chat.as_(user, line, key=key)
        except OperationalError as exc:
            db.heal()
            assert "injected failure" in str(exc)
            after = snapshot(engine)
            assert after == before, (f"{line!r} cut off at statement {n} "
                                     f"({db.statements[-1][:60]}) wrote to "
                                     f"{changed_tables(before, after)}")
            continue
        db.heal()
        assert db.fired == 0, f"statement {n} failed, yet {line!r} went through"
        assert n > 3, "the command ran too few statements for this sweep to mean anything"
        assert reply is not None
        return reply
    raise AssertionError(f"{line!r} never got through")


def test_a_command_cut_off_at_any_statement_writes_nothing_and_can_be_retried(
        team: Chat, engine: Engine, failing_db: FailingDatabase) -> None:
    for user, line, key, expect in [
        ("alice", '/visit "Acme Corp" type:demo outcome:positive next:"send quote" Met the CTO',
         "trigger:visit", "Acme Corp"),
        ("alice", '/deal new "Globex pilot" customer:"Globex" amount:120k stage:proposal '
                  "close:2026-12-15", "trigger:deal", "D-1"),
        ("mia", "/deal D-1 stage:negotiation amount:150k", "trigger:edit", "150,000"),
    ]:
        before = counts(snapshot(engine))
        reply = cut_off_everywhere(team, engine, failing_db, user, line, key)
        assert expect in reply.plain()
        assert team.as_(user, line, key=key) is None  # applied: a redelivery does nothing
        after = counts(snapshot(engine))
        assert after["processed_request"] == before.get("processed_request", 0) + 1
    final = counts(snapshot(engine))
    assert (final["activity"], final["deal"], final["customer"]) == (1, 1, 2)


def test_a_commit_that_fails_writes_nothing_and_the_retry_applies_once(
        team: Chat, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    dbapi = engine.dialect.loaded_dbapi

    def lost_at_commit(_conn: object) -> None:
        raise dbapi.OperationalError("injected failure: connection lost at COMMIT")

    line = '/deal new "Acme renewal" customer:"Acme Corp" amount:120k'
    before = snapshot(engine)
    with monkeypatch.context() as m:
        m.setattr(engine.dialect, "do_commit", lost_at_commit)
        with pytest.raises(OperationalError, match="COMMIT"):
            team.as_("alice", line, key="trigger:commit")
    assert snapshot(engine) == before
    reply = team.as_("alice", line, key="trigger:commit")
    assert reply is not None and "D-1" in reply.plain()
    assert team.as_("alice", line, key="trigger:commit") is None
    assert counts(snapshot(engine))["deal"] == 1


def test_over_http_the_user_is_told_and_nothing_is_saved(
        slack: Client, engine: Engine, failing_db: FailingDatabase) -> None:
    slack.command("UALICE", "/visit", '"Acme Corp" first contact')
    slack.replies(1)
    before = snapshot(engine)
    failing_db.fail_at(4, outage=True)  # from the 4th statement on, the database is gone
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:120k')
    reply = slack.replies(2)[1]
    failing_db.heal()
    assert failing_db.fired >= 1
    assert "Something went wrong on our side and nothing was saved" in reply
    assert slack.stub.of("response")[1].body["response_type"] == "ephemeral"
    assert snapshot(engine) == before
    slack.command("UALICE", "/deal", 'new "Acme renewal" customer:"Acme Corp" amount:120k')
    assert "D-1" in slack.replies(3)[2]


# --- the ticker -----------------------------------------------------------------------------


class TracingNotifier(RecordingNotifier):
    """Also notes how many statements had run when each message went out."""

    def __init__(self, db: FailingDatabase) -> None:
        super().__init__()
        self.db = db
        self.sent_after: list[int] = []

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        ts = super().send(to, message, thread_ts)
        self.sent_after.append(self.db.seen)
        return ts


@pytest.fixture
def standup(team: Chat) -> Chat:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    return team


def start_over(deps: Deps, db: FailingDatabase) -> tuple[Ticker, TracingNotifier]:
    """No delivery made yet, a fresh notifier: the same tick can be replayed."""
    with deps.session_factory.begin() as session:
        session.execute(delete(Delivery))
    notifier = TracingNotifier(db)
    return make_ticker(deps, notifier), notifier


def healthy_tick(deps: Deps, db: FailingDatabase) -> tuple[list[str], list[int]]:
    """The statements of the tick at AT, and how many had run at each send."""
    ticker, notifier = start_over(deps, db)
    db.watch(thread=threading.get_ident())
    ticker.tick(AT)
    db.heal()
    assert {s.to for s in notifier.of(StandupPrompt)} == EVERYONE
    return list(db.statements), notifier.sent_after


def recording_of_posts(statements: list[str], sends: list[int]) -> set[int]:
    """Statement numbers between a post and the write recording that it was made."""
    out: set[int] = set()
    for after in sends:
        write = next(i for i in range(after, len(statements))
                     if statements[i].startswith("UPDATE delivery SET")
                     and "parts_sent" in statements[i])
        out.update(range(after + 1, write + 2))
    return out


def between_claim_and_post(statements: list[str], sends: list[int]) -> set[int]:
    """Statement numbers after an item's claim was written, before its post."""
    out: set[int] = set()
    for after in sends:
        claim = max(i for i in range(after) if statements[i].startswith("INSERT INTO delivery"))
        out.update(range(claim + 2, after + 1))
    return out


def outcome(deps: Deps, notifier: RecordingNotifier) -> tuple[Counter[str], set[DeliveryStatus]]:
    prompts = Counter(s.to for s in notifier.of(StandupPrompt))
    return prompts, {r.status for r in deliveries(deps.session_factory).values()}


def replay(standup: Chat, db: FailingDatabase, n: int, *, outage: bool,
           later: list[int]) -> tuple[Counter[str], set[DeliveryStatus]]:
    """The tick at AT with statement n failing (and all after it, in an outage), then healthy
    ticks `later` minutes after; what was sent to whom and the deliveries' statuses."""
    ticker, notifier = start_over(standup.deps, db)
    db.fail_at(n, outage=outage, thread=threading.get_ident())
    with contextlib.suppress(DBAPIError):  # the scheduler logs it and ticks again
        ticker.tick(AT)
    db.heal()
    assert db.fired >= 1
    for minutes in later:
        ticker.tick(AT + timedelta(minutes=minutes))
    return outcome(standup.deps, notifier)


def test_a_database_blip_anywhere_in_a_tick_delays_a_prompt_but_never_loses_it(
        standup: Chat, failing_db: FailingDatabase) -> None:
    statements, _ = healthy_tick(standup.deps, failing_db)
    lost, doubled = [], []
    for n in range(1, len(statements) + 1):
        prompts, statuses = replay(standup, failing_db, n, outage=False, later=[1])
        if set(prompts) != EVERYONE or statuses != {DeliveryStatus.SENT}:
            lost.append((n, statements[n - 1][:50], dict(prompts), statuses))
        if any(c > 1 for c in prompts.values()):
            doubled.append(n)
    assert lost == []
    assert doubled == []


def test_a_post_whose_record_failed_to_save_is_not_posted_again(
        standup: Chat, failing_db: FailingDatabase) -> None:
    statements, sends = healthy_tick(standup.deps, failing_db)
    n = min(recording_of_posts(statements, sends))
    prompts, _ = replay(standup, failing_db, n, outage=False, later=[1, 2, 5, 15])
    assert set(prompts) == EVERYONE and set(prompts.values()) == {1}, prompts


def test_a_database_outage_from_anywhere_in_a_tick_never_doubles_a_prompt(
        standup: Chat, failing_db: FailingDatabase) -> None:
    statements, _ = healthy_tick(standup.deps, failing_db)
    lost, doubled = [], []
    for n in range(1, len(statements) + 1):
        # the database is back a minute later; the lease of a claim cut off runs out at +10
        prompts, _ = replay(standup, failing_db, n, outage=True, later=[1, 11])
        if any(c > 1 for c in prompts.values()):
            doubled.append((n, statements[n - 1][:50], dict(prompts)))
        if set(prompts) != EVERYONE:
            lost.append(n)
    assert doubled == []
    assert lost == []


def test_an_outage_before_the_first_post_only_delays_it(
        standup: Chat, failing_db: FailingDatabase) -> None:
    statements, sends = healthy_tick(standup.deps, failing_db)
    n = min(between_claim_and_post(statements, sends))
    prompts, statuses = replay(standup, failing_db, n, outage=True, later=[1, 2, 11, 12, 15])
    assert set(prompts) == EVERYONE and set(prompts.values()) == {1}, prompts
    assert statuses == {DeliveryStatus.SENT}
