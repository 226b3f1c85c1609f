"""The ticker: once a minute, find what is due, claim it, send it, and retry what failed.

A *source* (stand-ups; later digests and warnings) says what is due at a moment, as
`DueItem`s keyed by (kind, subject, local period), and builds the posts of an item once it
is claimed. The ticker claims each item by inserting its delivery row; the instance whose
insert wins sends it, so several instances on one database send every item exactly once.

- An item more than `grace` past due when first seen (the bot was down) is recorded as
  skipped and logged, not sent.
- A failed send is retried on later ticks with exponential backoff (or after Slack's
  Retry-After), and marked failed after `max_attempts` tries or a permanent error. Posts
  already made are never made again: each delivery counts the posts it has made.
- A post whose outcome is unknown (Slack did not answer in time, or the sender died with
  it in flight) is counted as sent, unconfirmed, and never made again: a missing message
  can be looked up (`salesbot deliveries` shows it as "sent?"), a duplicate is in
  everyone's Slack. The item's later posts are not made (they may belong in its thread).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from commands.core.i18n import use_locale
from jobs.due import DueItem, Source
from jobs.notify import Notifier, Post, SendFailed, SendUncertain
from jobs.observe import TickObserver, Unobserved, delivery_status
from jobs.refusals import KIND as REFUSAL_KIND
from jobs.refusals import ChannelRefusalSource, notice_for
from jobs.tokens import Notifiers
from storage import repo
from storage.models import Delivery, DeliveryStatus, Workspace

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=2)
LOOKBACK = timedelta(days=1)
MAX_ATTEMPTS = 4
BACKOFF = timedelta(minutes=1)
LEASE = timedelta(minutes=10)


@dataclass
class TickReport:
    """What one tick did, by delivery key."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)  # counted in `sent` as well

    def __str__(self) -> str:
        doubt = f" ({len(self.unconfirmed)} unconfirmed)" if self.unconfirmed else ""
        return (f"{len(self.sent)} sent{doubt}, {len(self.skipped)} skipped, "
                f"{len(self.retrying)} to retry, {len(self.failed)} failed")


@dataclass(frozen=True)
class Planned:
    """A due item in a dry run: what a tick would do with it, and its posts."""

    item: DueItem
    # send | skip (past grace) | nothing (to say) | or the status it already has: sent,
    # claimed, retrying, failed, skipped
    action: str
    posts: tuple[Post, ...] = ()


@dataclass
class Ticker:
    """Runs the sources against the database and the notifier; `tick(now)` is one pass.

    `notifier` posts for every workspace, or (`Notifiers`) each workspace has its own.
    Nothing is due, and nothing is sent, in a workspace whose Slack app was uninstalled.
    """

    session_factory: sessionmaker[Session]
    notifier: Notifier | Notifiers
    sources: Sequence[Source]
    grace: timedelta = DEFAULT_GRACE
    max_attempts: int = MAX_ATTEMPTS
    backoff: timedelta = BACKOFF
    lease: timedelta = LEASE
    observer: TickObserver = field(default_factory=Unobserved)  # metrics, log lines

    def _source(self, kind: str) -> Source | None:
        return next((s for s in [*self.sources, ChannelRefusalSource()] if kind in s.kinds),
                    None)

    def _grace(self, source: Source) -> timedelta:
        return source.grace if source.grace is not None else self.grace

    def due(self, now: datetime) -> list[tuple[Source, DueItem]]:
        """Every source's items due within the lookback, oldest first."""
        out: list[tuple[Source, DueItem]] = []
        with self.session_factory() as session:
            inactive = repo.workspaces.inactive_ids(session)
        for source in self.sources:
            try:
                with self.session_factory() as session:
                    items = list(source.due(session, now))
            except Exception:
                log.exception("finding due items of %s failed", source.kinds)
                continue
            out += [(source, i) for i in items if now - LOOKBACK <= i.due_at <= now
                    and i.workspace_id not in inactive]
        return sorted(out, key=lambda si: (si[1].due_at, si[1].key))

    def plan(self, now: datetime) -> list[Planned]:
        """What `tick(now)` would do, without claiming or sending anything."""
        due = self.due(now)
        with self.session_factory() as session:
            known = repo.deliveries.statuses(session, [i.key for _, i in due])
            out = []
            for source, item in due:
                if item.key in known:
                    out.append(Planned(item, known[item.key].value))
                elif now - item.due_at > self._grace(source):
                    out.append(Planned(item, "skip"))
                else:
                    posts = tuple(source.build(session, item, now))
                    out.append(Planned(item, "send" if posts else "nothing", posts))
        return out

    def tick(self, now: datetime) -> TickReport:
        """One pass at `now`: give up on dead claims, retry failures, send what is due."""
        started = time.monotonic()
        report = self._tick(now)
        self.observer.ticked(now, report, time.monotonic() - started)
        return report

    def _tick(self, now: datetime) -> TickReport:
        report = TickReport()
        with self.session_factory.begin() as session:
            retried, unconfirmed = repo.deliveries.abandon_stale_claims(session, now)
            for key in retried:
                log.warning("delivery %s: its sender stopped before posting; retrying", key)
            for key in unconfirmed:
                log.warning("delivery %s: its sender stopped mid-post; counted as sent, "
                            "unconfirmed, not re-sent", key)
                report.sent.append(key)
                report.unconfirmed.append(key)
        self._retry(now, report)
        due = self.due(now)
        with self.session_factory() as session:
            known = repo.deliveries.statuses(session, [i.key for _, i in due])
        for source, item in due:
            if item.key in known:
                continue
            late = now - item.due_at > self._grace(source)
            with self.session_factory.begin() as session:
                delivery_id = repo.deliveries.insert_once(
                    session, key=item.key, workspace_id=item.workspace_id, kind=item.kind,
                    subject=item.subject, local_period=item.local_period, due_at=item.due_at,
                    status=DeliveryStatus.SKIPPED if late else DeliveryStatus.CLAIMED, now=now,
                    next_attempt_at=None if late else now + self.lease,
                    last_error=f"missed: {now - item.due_at} late, past the "
                               f"{self._grace(source)} grace window" if late else None)
            if delivery_id is None:
                continue  # another instance claimed it first
            if late:
                log.info("skipped %s: due %s, past its grace window", item.key,
                         item.due_at.isoformat())
                report.skipped.append(item.key)
                self.observer.delivered(item, "skipped", 0.0, now)
                continue
            self._deliver(source, item, delivery_id, now, report)
        if report.sent or report.skipped or report.retrying or report.failed:
            log.info("tick at %s: %s", now.isoformat(), report)
        return report

    def _retry(self, now: datetime, report: TickReport) -> None:
        with self.session_factory() as session:
            waiting = [(d.id, d.attempts, _item(d)) for d in repo.deliveries.retries_due(session,
                                                                                         now)]
        for delivery_id, attempts, item in waiting:
            source = self._source(item.kind)
            if source is None:
                continue  # a kind this instance does not run (yet)
            with self.session_factory.begin() as session:
                taken = repo.deliveries.reclaim(session, delivery_id, attempts, now + self.lease)
            if taken:
                self._deliver(source, item, delivery_id, now, report)

    def _deliver(self, source: Source, item: DueItem, delivery_id: int, now: datetime,
                 report: TickReport) -> None:
        started = time.monotonic()
        self._deliver_once(source, item, delivery_id, now, report)
        status = delivery_status(report, item.key)
        if status is not None:
            self.observer.delivered(item, status, time.monotonic() - started, now)

    def _deliver_once(self, source: Source, item: DueItem, delivery_id: int, now: datetime,
                      report: TickReport) -> None:
        # Posts made in this call, kept in memory: if recording one fails, the failure path
        # still records it, so the retry does not post it again.
        made: list[tuple[int, str, str]] = []  # part number, channel, ts
        in_flight = False  # a post handed to the notifier that neither returned nor failed
        channel: str | None = None  # where the post being made goes, if not a DM
        try:
            with self.session_factory() as session:
                row = session.get_one(Delivery, delivery_id)
                done, first_ts = row.parts_sent, row.message_ts
                ws = session.get(Workspace, item.workspace_id)
                installed = (ws.slack_team_id, ws.active) if ws is not None else None
                posts = list(source.build(session, item, row.created_at))
            # after the read: finding a token may refresh it, a write of its own
            notifier = self._notifier(installed)
            if isinstance(notifier, str):
                self._finish(delivery_id, DeliveryStatus.SKIPPED, now, notifier)
                log.info("skipped %s: %s", item.key, notifier)
                report.skipped.append(item.key)
                return
            if not posts:
                with self.session_factory.begin() as session:
                    _hook(source, "nothing_to_send", session, item, now)
                self._finish(delivery_id, DeliveryStatus.SKIPPED, now, "nothing to send")
                report.skipped.append(item.key)
                return
            for n, post in enumerate(posts):
                if n < done:
                    continue
                to = notifier.dm_channel(post.to) if post.dm else post.to
                channel = None if post.dm else to
                thread = post.reply_to or (first_ts if post.in_thread else None)
                with self.session_factory.begin() as session:
                    session.get_one(Delivery, delivery_id).sending = True
                in_flight = True
                try:
                    with use_locale(post.lang):
                        ts = notifier.send(to, post.message, thread)
                except SendUncertain as exc:
                    self._unconfirmed(source, item, delivery_id, n, len(posts), to, post,
                                      now, exc.reason, report, made)
                    return
                made.append((n, to, ts))
                in_flight = False
                if post.dm:  # it may have gone to the user id: record the DM's channel id
                    to = notifier.dm_channel(post.to)
                    made[-1] = (n, to, ts)
                with self.session_factory.begin() as session:
                    row = session.get_one(Delivery, delivery_id)
                    row.parts_sent, row.sending = n + 1, False
                    if n == 0:
                        row.channel, row.message_ts = to, ts
                    _hook(source, "posted", session, item, post, ts, now)
                if n == 0:
                    first_ts = ts
            self._finish(delivery_id, DeliveryStatus.SENT, now, None)
            report.sent.append(item.key)
        except SendFailed as exc:  # Slack said no: nothing is in flight
            self._failed(item, delivery_id, now, exc.reason, exc.retry_after, exc.permanent,
                         report, made, in_flight=False)
            if exc.permanent and channel is not None:
                self._tell_managers(item, channel, exc.reason, now, report)
        except Exception as exc:
            log.exception("delivery %s failed", item.key)
            self._failed(item, delivery_id, now, f"{type(exc).__name__}: {exc}", None, False,
                         report, made, in_flight=in_flight)

    def _notifier(self, workspace: tuple[str, bool] | None) -> Notifier | str:
        """Who posts in `workspace` (Slack team id, active): its notifier, or why nobody
        may."""
        if workspace is not None and not workspace[1]:
            return "the workspace uninstalled salesbot"
        if not isinstance(self.notifier, Notifiers):
            return self.notifier
        notifier = self.notifier.for_workspace(workspace[0]) if workspace is not None else None
        return notifier if notifier is not None else "salesbot is not installed in the workspace"

    def _unconfirmed(self, source: Source, item: DueItem, delivery_id: int, n: int,
                     total: int, to: str, post: Post, now: datetime, reason: str,
                     report: TickReport, made: Sequence[tuple[int, str, str]]) -> None:
        """Post `n` went out and no answer came: count it as sent, unconfirmed."""
        later = total - n - 1
        note = (f"unconfirmed: {reason}; counted as sent and not posted again, to avoid a "
                "duplicate" + (f"; its {later} later part(s) were not sent" if later else ""))
        with self.session_factory.begin() as session:
            row = session.get_one(Delivery, delivery_id)
            for m, channel, ts in made:
                if m == 0 and row.message_ts is None:
                    row.channel, row.message_ts = channel, ts
            row.parts_sent = max(row.parts_sent, n + 1)
            if n == 0:
                row.channel = to
            # `sending` stays set on a sent delivery: its last post is unconfirmed
            row.status, row.sending, row.next_attempt_at = DeliveryStatus.SENT, True, None
            row.sent_at, row.last_error = now, note[:2000]
            _hook(source, "posted", session, item, post, "", now)
        log.warning("delivery %s: %s", item.key, note)
        report.sent.append(item.key)
        report.unconfirmed.append(item.key)

    def _tell_managers(self, item: DueItem, channel: str, error: str, now: datetime,
                       report: TickReport) -> None:
        """The team's channel refused a post for good: DM its managers the fix, once."""
        if item.kind == REFUSAL_KIND:
            return
        try:
            with self.session_factory.begin() as session:
                notice = notice_for(session, item.workspace_id, channel, error, now)
                if notice is None:
                    return
                delivery_id = repo.deliveries.insert_once(
                    session, key=notice.key, workspace_id=notice.workspace_id,
                    kind=notice.kind, subject=notice.subject,
                    local_period=notice.local_period, due_at=now,
                    status=DeliveryStatus.CLAIMED, now=now, next_attempt_at=now + self.lease)
        except Exception:
            log.exception("could not record the notice about %s refusing %s", channel,
                          item.key)
            return
        if delivery_id is not None:  # None: the managers were told already
            self._deliver(ChannelRefusalSource(), notice, delivery_id, now, report)

    def _finish(self, delivery_id: int, status: DeliveryStatus, now: datetime,
                note: str | None) -> None:
        with self.session_factory.begin() as session:
            row = session.get_one(Delivery, delivery_id)
            row.status, row.next_attempt_at, row.last_error = status, None, note
            if status == DeliveryStatus.SENT:
                row.sent_at = now

    def _failed(self, item: DueItem, delivery_id: int, now: datetime, reason: str,
                retry_after: float | None, permanent: bool, report: TickReport,
                made: Sequence[tuple[int, str, str]] = (), *,
                in_flight: bool = False) -> None:
        with self.session_factory.begin() as session:
            row = session.get_one(Delivery, delivery_id)
            row.last_error = reason[:2000]
            for n, channel, ts in made:  # posted, but their record may not have been saved
                row.parts_sent = max(row.parts_sent, n + 1)
                if n == 0 and row.message_ts is None:
                    row.channel, row.message_ts = channel, ts
            row.sending = in_flight
            if in_flight:  # a post may or may not have gone out: never risk it twice
                row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
                log.error("delivery %s failed mid-send; not retried, to avoid a duplicate: "
                          "%s", item.key, reason)
                report.failed.append(item.key)
                return
            if permanent or row.attempts >= self.max_attempts:
                row.status, row.next_attempt_at = DeliveryStatus.FAILED, None
                log.error("delivery %s failed for good after %d tries: %s", item.key,
                          row.attempts, reason)
                report.failed.append(item.key)
                return
            wait = self.backoff * 2 ** (row.attempts - 1)
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            row.status, row.next_attempt_at = DeliveryStatus.RETRYING, now + wait
            log.warning("delivery %s failed (try %d), retrying after %s: %s", item.key,
                        row.attempts, row.next_attempt_at.isoformat(), reason)
            report.retrying.append(item.key)


def _item(d: Delivery) -> DueItem:
    return DueItem(d.kind, d.subject, d.local_period, d.due_at, d.workspace_id)


def _hook(source: Source, name: str, session: Session, *args: object) -> None:
    """Call a source's optional hook (see Source) in a savepoint; log, never raise."""
    hook = getattr(source, name, None)
    if hook is None:
        return
    try:
        with session.begin_nested():
            hook(session, *args)
    except Exception:
        log.exception("the %s hook of %s failed", name, "/".join(source.kinds))
