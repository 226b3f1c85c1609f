"""Count a view's visits in the view's timezone, so that every breakdown adds up to its total.

One rule for every view. A visit is dated by the rep who logged it (the day it happened in
their calendar). A view reads its period and its today in one timezone: the team's for a
team view (`/sales report team`, the leaderboard, `/target show team`, `/plan`, the
warnings, the digest), the person's for a personal view (`/sales report @alice`,
`/target show @alice`). `/plan @alice` keeps the team's calendar so that the reps' plans
add up to the team's.
It counts the visits dated from the period's first day up to its today, never a day that
has not begun where the view is read, and its breakdowns (by tier) count the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.periods import Period
from storage import repo
from storage.models import Member, Team

TIERS = ("A", "B", "C")


def view_timezone(team: Team, person: Member | None) -> str:
    """The timezone of a view: the person's for a personal view, else the team's."""
    return person.timezone if person is not None else team.timezone


def view_today(team: Team, person: Member | None, now: datetime) -> date:
    """Today where the view is read (see view_timezone)."""
    return local_today(now, view_timezone(team, person))


@dataclass(frozen=True)
class VisitTally:
    """A view's visits over a period, by the visited customer's tier."""

    first_day: date
    last_day: date  # the period's end, or the view's today when that comes first
    by_tier: tuple[tuple[str, int], ...]  # ("A", n), ("B", n), ("C", n)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_tier)


def visit_tally(session: Session, member_ids: Sequence[int], period: Period,
                today: date | None) -> VisitTally:
    """Count the visits of `member_ids` in `period` up to the view's `today` (None: all of it)."""
    last = period.end if today is None else min(period.end, today)
    counts = (repo.activities.visits_by_tier(session, member_ids, period.start, last)
              if last >= period.start else {})
    return VisitTally(period.start, last, tuple((t, counts.get(t, 0)) for t in TIERS))
