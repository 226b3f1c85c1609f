"""A recording fake of the jobs' Notifier, and helpers shared by the job tests."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.dispatch import Deps
from jobs.due import DueItem
from jobs.notify import Post, SendFailed
from jobs.standup import StandupSource
from jobs.ticker import Ticker
from storage.models import Delivery, Member, Team, WarningState


@dataclass(frozen=True)
class Sent:
    to: str
    message: object
    thread_ts: str | None
    ts: str


class RecordingNotifier:
    """Keeps a transcript of what jobs posted; queued failures are raised first."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.failures: list[SendFailed] = []  # raised by the next sends, in order
        self.fail_on: dict[int, SendFailed] = {}  # raised by the n-th send call (1-based)
        self.calls = 0
        self.dms_opened: list[str] = []
        self._lock = threading.Lock()

    def dm_channel(self, user_id: str) -> str:
        with self._lock:
            self.dms_opened.append(user_id)
        return f"D{user_id}"

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        with self._lock:
            self.calls += 1
            if self.calls in self.fail_on:
                raise self.fail_on.pop(self.calls)
            if self.failures:
                raise self.failures.pop(0)
            ts = f"{len(self.sent) + 1}.000100"
            self.sent.append(Sent(to, message, thread_ts, ts))
            return ts

    def of(self, cls: type) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.message, cls)]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_ticker(deps: Deps, notifier: RecordingNotifier) -> Ticker:
    return Ticker(deps.session_factory, notifier, [StandupSource()])


def set_timezone(factory: sessionmaker[Session], user_id: str, tz: str) -> None:
    with factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == user_id)
                        .values(timezone=tz))


def deliveries(factory: sessionmaker[Session]) -> dict[str, Delivery]:
    with factory() as session:
        return {d.key: d for d in session.scalars(select(Delivery))}


def member_id(factory: sessionmaker[Session], user_id: str) -> int:
    with factory() as session:
        found = session.scalar(select(Member.id).where(Member.slack_user_id == user_id))
        assert found is not None
        return found


PAST_WARNING = "stale_deal:deal:D-0"  # the long-gone warning past_first_check records


def past_first_check(factory: sessionmaker[Session]) -> None:
    """Every team has had its first warning post (a calm summary) long ago, so a check
    posts warnings one by one; a warning that is gone since stands for it."""
    long_ago = datetime(2026, 1, 5, 2, tzinfo=UTC)
    with factory.begin() as session:
        for team_id in session.scalars(select(Team.id)):
            session.add(WarningState(team_id=team_id, key=PAST_WARNING,
                                     rule="stale_deal", message="", first_seen_at=long_ago,
                                     last_seen_at=long_ago, last_posted_at=long_ago,
                                     posted_severity=1, active=False))


def tick_together(tickers: list[Ticker], at: datetime) -> list[BaseException]:
    """Tick every ticker at `at`, each from its own thread, all at the same instant (a race);
    what they raised."""
    barrier = threading.Barrier(len(tickers))
    errors: list[BaseException] = []

    def run(t: Ticker) -> None:
        try:
            barrier.wait()
            t.tick(at)
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in tickers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return errors


DUE = utc(2026, 11, 23, 1, 0)


class ListSource:
    """Items given up front; each is built as `parts` posts, the rest in the first's thread."""

    kinds: tuple[str, ...] = ("note",)
    grace: timedelta | None = None

    def __init__(self, items: list[DueItem], parts: int = 1) -> None:
        self.items = items
        self.parts = parts

    def due(self, session: Session, now: datetime) -> list[DueItem]:
        return [i for i in self.items if i.due_at <= now]

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        return [Post("C1", f"{item.subject} part {n}", in_thread=n > 0)
                for n in range(self.parts)]


def note(workspace_id: int, subject: str = "team:1", due: datetime = DUE) -> DueItem:
    return DueItem("note", subject, due.date().isoformat(), due, workspace_id)
