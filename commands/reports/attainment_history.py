"""Each rep's revenue attainment over the last six months, for the digest's chart: is this
month's bar a bad month or a habit?"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.periods import Period, period_containing
from commands.plan.target_plan import actual_for, reps_of, target_plan
from storage.models import Team, Workspace

PERIODS = 6


def last_months(today: date, count: int = PERIODS) -> list[Period]:
    """The `count` months up to the one holding `today`, oldest first."""
    months = [period_containing("month", today)]
    while len(months) < count:
        months.append(period_containing("month", months[-1].start - timedelta(days=1)))
    return months[::-1]


def attainment_history(session: Session, ws: Workspace, team: Team, today: date,
                       hol: set[date], currency: str) -> pd.DataFrame:
    """Columns period (2026-11), rep, attainment (a Decimal ratio; None without a target):
    one row per rep and month, months oldest first, reps as the team lists them."""
    rows: list[tuple[str, str, Decimal | None]] = []
    months = last_months(today)
    for rep in reps_of(team):
        for month in months:
            found = target_plan(session, ws, team, rep, "revenue", month, hol)
            share = None
            if found is not None and found.value > 0:
                actual = actual_for(session, "revenue", [rep.id], month, team.timezone,
                                    currency)
                share = actual / found.value
            rows.append((month.label, rep.name, share))
    return pd.DataFrame(rows, columns=["period", "rep", "attainment"]).astype(object)
