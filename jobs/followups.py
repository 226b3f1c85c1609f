"""The follow-up DM: at 09:00 in each owner's timezone, the follow-ups due that day and the
overdue ones carried over, once a day.

One item per owner and local day (`followup_dm`, subject member:<id>, local period
2026-12-07), claimed like every scheduled item, so it goes out once however many instances
run. A follow-up still open the next morning is in the next morning's DM again: once a day,
never more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.i18n import locale_of, use_locale
from commands.followups.schedule import FollowUpView, view_follow_up
from jobs.due import DueItem, subject_id
from jobs.notify import Post
from storage import repo
from storage.models import Member

KIND = "followup_dm"
SEND_AT = time(9, 0)
# The latest local day anywhere on earth is at most this far ahead of UTC.
AHEAD_OF_UTC = timedelta(hours=14)


@dataclass(frozen=True)
class FollowUpReminder:
    """One owner's follow-ups for the day: due today, and overdue ones carried over."""

    person: str
    user_id: str
    day: date
    items: tuple[FollowUpView, ...]  # overdue first, then due today

    @property
    def overdue(self) -> tuple[FollowUpView, ...]:
        return tuple(i for i in self.items if i.overdue)

    @property
    def due_today(self) -> tuple[FollowUpView, ...]:
        return tuple(i for i in self.items if not i.overdue)


def send_moment(tz: str, now: datetime) -> tuple[datetime, date]:
    """Today's 09:00 in the owner's timezone (DST-proof: a wall-clock time), and the day."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    return datetime.combine(today, SEND_AT, zone), today


def reminder_for(session: Session, member: Member, at: datetime,
                 day: date | None = None) -> FollowUpReminder:
    """What the owner's DM for `day` (their today at `at`) says."""
    today = day or at.astimezone(ZoneInfo(member.timezone)).date()
    items = [view_follow_up(f, at) for f in
             repo.followups.open_follow_ups(session, [member.id], due_by=today)]
    items.sort(key=lambda v: (not v.overdue, v.due_on, v.id))
    return FollowUpReminder(member.name, member.slack_user_id, today, tuple(items))


class FollowUpSource:
    """Every owner's daily follow-up DM."""

    kinds: tuple[str, ...] = (KIND,)
    grace: timedelta | None = None

    def due(self, session: Session, now: datetime) -> Iterator[DueItem]:
        latest_day = (now + AHEAD_OF_UTC).date()
        for member, earliest in repo.followups.owners_with_open_due(session, latest_day):
            moment, today = send_moment(member.timezone, now)
            if moment <= now and earliest <= today:
                yield DueItem(KIND, f"member:{member.id}", today.isoformat(), moment,
                              member.workspace_id)

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        member = session.get(Member, subject_id(item.subject))
        if member is None:
            return []
        lang = locale_of(member.language, member.slack_locale)
        with use_locale(lang):
            reminder = reminder_for(session, member, claimed_at,
                                    date.fromisoformat(item.local_period))
        if not reminder.items:
            return []  # all done since it fell due
        return [Post(member.slack_user_id, reminder, dm=True, lang=lang)]
