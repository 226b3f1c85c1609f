"""Benchmark: the weekly digest and the deviation rules over two years of synthetic history.

Generates an organisation into a fresh database (a SQLite file in a temporary directory, or
a PostgreSQL database created next to the one `--database-url` names and dropped afterwards),
after running the Alembic migrations: by default 500 reps in 50 teams (plus a manager each
and an admin), 10,000 customers in tiers A/B/C, about 1M activities and 200k deals over two
years, with the deals' history (created, stage moves, close-date pushes, won or lost with
closed_at and a reason), monthly revenue and visits targets per team, holidays, two weeks of
stand-up answers and a few action items. `--scale` scales the organisation (teams of ten
reps), so the history per rep stays the same: at `--scale 0.05`, 2 teams, 20 reps, ~40k
activities and 8k deals. Rows go in with bulk inserts: SQLAlchemy Core executemany on
SQLite, COPY on PostgreSQL.

Then, in a separate process (so its peak RSS is the analytics' own), at a fixed `now` (the
end of the generated history, Monday 2026-06-15 12:00 UTC), team by team with a fresh session
each, as the scheduled job does:

- `commands.reports.digest.build_digest` (the weekly digest): min / median / max per team, and all
  teams one after another;
- `commands.warnings.checks.team_deviations` (every deviation rule) for every team;
- `commands.forecast.show.team_figures`: the forecast roll-up of every team, for the month
  and the quarter (within the digest's budget);
- `commands.team.home.run_home`: what each team's manager's App Home tab reads when opened
  (their plan, deals, the team's action items, leaderboard and warnings);
- the SQL each makes: statements and time in the database per team, the costliest
  statement shapes;
- peak RSS of that process (VmHWM: ru_maxrss would include the parent's, Linux carries it
  across fork and exec), and the tracemalloc peak of one more pass with tracemalloc on (not
  part of the timings).

Goals, printed PASS/FAIL: one team's digest under 1 s; all 50 under 30 s; peak RSS under
1 GB. It is a benchmark, not a test: the exit status is 0 unless something broke.

Usage (from the repository root):

    .venv/bin/python bench/analytics.py --scale 0.05             # quick: 2 teams, SQLite
    .venv/bin/python bench/analytics.py                          # 50 teams, ~1M activities
    .venv/bin/python bench/analytics.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# Run as `python bench/analytics.py`, this file's folder comes first on sys.path, and
# bench/commands.py would shadow salesbot's own `commands` package: put the root there instead.
_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _ROOT / "bench":
    sys.path[0] = str(_ROOT)
elif str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

# The end of the generated history and the moment everything is computed at: a Monday (the
# digest's day), mid-month (the month's plan half done). Never the wall clock.
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 730
START = NOW - timedelta(days=HISTORY_DAYS)
WORKSPACE = "T0ANALYTICS"
CURRENCY = "USD"

FULL_TEAMS = 50
REPS_PER_TEAM = 10
CUSTOMERS_PER_REP = 20
ACTIVITIES_PER_REP = 2000  # 1M over 500 reps
DEALS_PER_REP = 400  # 200k over 500 reps
WIN_RATE = 0.3
MEAN_DEAL = 80_000  # median deal size (log-normal, sigma 0.8: mean ~110k)
TIERS = (("A", 0.1, 5), ("B", 0.3, 2), ("C", 0.6, 1))  # tier, share, visit weight
ACTIVITY_TYPES = (("visit", 40), ("call", 30), ("email", 15), ("meeting", 10), ("demo", 5))
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
LOST_REASONS = ("price", "timing", "competitor", "no budget", "no decision")
# Local Monday at NOW (12:00 UTC) everywhere, so every team reviews the same week.
TEAM_ZONES = ("America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/London",
              "Europe/Berlin", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo",
              "Australia/Sydney")
HOLIDAYS = ((1, 1), (5, 1), (12, 25), (12, 26))

GOAL_ONE_S = 1.0
GOAL_ALL_S = 30.0
GOAL_RSS_MB = 1024.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- bulk loading -------------------------------------------------------------------------


def batched(rows: Iterable[tuple[Any, ...]], n: int) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(islice(it, n)):
        yield chunk


class BulkLoader:
    """Insert rows given in database form (naive UTC datetimes, enum values as strings).

    SQLite: Core `insert()` executemany, in one transaction per table, against a light table
    whose columns have the plain types (DateTime for UTCDateTime, String for the CHECK-ed
    enums), so values are stored exactly as the app stores them. PostgreSQL: COPY.
    """

    CHUNK = 20_000

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def load(self, table: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        started = time.perf_counter()
        n = self._copy(table, columns, rows) if self.postgres else \
            self._insert(table, columns, rows)
        self.rows[table.name] = self.rows.get(table.name, 0) + n
        self.seconds[table.name] = self.seconds.get(table.name, 0.0) + \
            time.perf_counter() - started
        return n

    def _insert(self, table: Any, columns: Sequence[str],
                rows: Iterable[tuple[Any, ...]]) -> int:
        from sqlalchemy import DateTime, Enum, String, column, insert
        from sqlalchemy import table as light_table

        from storage.models import UTCDateTime

        def plain(name: str) -> Any:
            kind = table.c[name].type
            if isinstance(kind, UTCDateTime):
                return DateTime()
            if isinstance(kind, Enum):
                return String()
            return kind

        stmt = insert(light_table(table.name, *(column(c, plain(c)) for c in columns)))
        n = 0
        with self.engine.begin() as conn:
            for chunk in batched(rows, self.CHUNK):
                conn.execute(stmt, [dict(zip(columns, r, strict=True)) for r in chunk])
                n += len(chunk)
        return n

    def _copy(self, table: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        raw = self.engine.raw_connection()
        n = 0
        try:
            cols = ", ".join(f'"{c}"' for c in columns)
            with raw.driver_connection.cursor() as cur, \
                    cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
                for r in rows:
                    copy.write_row(r)
                    n += 1
            raw.commit()
        finally:
            raw.close()
        return n

    def fix_sequences(self, tables: Sequence[str]) -> None:
        """PostgreSQL: move the id sequences past the ids inserted explicitly."""
        if not self.postgres:
            return
        from sqlalchemy import text

        with self.engine.begin() as conn:
            for name in tables:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM \"{name}\"), false)"))


# --- the synthetic organisation -----------------------------------------------------------


@dataclass(frozen=True)
class Rep:
    id: int
    team_id: int
    offset_h: float  # the team's UTC offset at NOW, in hours (DST is not modelled)
    started: date
    customers: tuple[int, ...]
    cum_weights: tuple[float, ...]  # for picking customers, tier A most often


@dataclass
class Generated:
    teams: int
    members: int
    reps: int
    rows: dict[str, int]
    seconds: float
    load_seconds: dict[str, float]


def naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None)


def working_days(start: date, end: date) -> list[date]:
    """Monday to Friday from start to end (inclusive)."""
    days, d = [], start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def months_between(start: date, end: date) -> list[tuple[date, date]]:
    out, d = [], start.replace(day=1)
    while d <= end:
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append((d, nxt - timedelta(days=1)))
        d = nxt
    return out


def generate(url: str, scale: float, seed: int) -> Generated:
    """Migrate the empty database at `url` and fill it with the synthetic organisation."""
    from sqlalchemy import update

    from storage import repo
    from storage.db import make_engine, make_session_factory, upgrade
    from storage.models import (
        ActionItem,
        Activity,
        Customer,
        Deal,
        DealHistory,
        Holiday,
        Member,
        StandupAnswer,
        StandupConfig,
        Target,
        Team,
        TeamSettings,
        Workspace,
        team_manager,
    )

    began = time.perf_counter()
    log("running the migrations")
    upgrade(url)
    engine = make_engine(url)
    loader = BulkLoader(engine)
    rng = random.Random(seed)
    try:
        with make_session_factory(engine).begin() as session:
            ws_id = repo.workspaces.create_workspace(session, WORKSPACE, name="Analytics bench",
                                          currency=CURRENCY, timezone="UTC",
                                          now=START - timedelta(days=60)).id
        n_teams = max(1, round(FULL_TEAMS * scale))
        created = naive(START - timedelta(days=60))

        # teams, members (an admin, then per team a manager and ten reps), managers
        teams, members, managing = [], [], []
        reps: list[Rep] = []
        customers: list[tuple[Any, ...]] = []
        members.append((1, ws_id, "U0000001", "Ada Admin", "admin", "UTC", None, None, created))
        next_member, next_customer = 2, 1
        for t in range(1, n_teams + 1):
            tz = TEAM_ZONES[(t - 1) % len(TEAM_ZONES)]
            offset = (ZoneInfo(tz).utcoffset(naive(NOW)) or timedelta()).total_seconds() / 3600
            teams.append((t, ws_id, f"Team {t:02d}", f"team{t:02d}", f"C{t:08d}", tz, created))
            manager = next_member
            next_member += 1
            members.append((manager, ws_id, f"U{manager:07d}", f"Manager {t:02d}", "manager",
                            tz, t, START.date() - timedelta(days=400), created))
            managing.append((t, manager))
            for _ in range(REPS_PER_TEAM):
                rep_id = next_member
                next_member += 1
                # one rep in twenty joined in the last three months
                started = START.date() - timedelta(days=rng.randint(30, 900)) \
                    if rng.random() >= 0.05 else NOW.date() - timedelta(days=rng.randint(14, 90))
                members.append((rep_id, ws_id, f"U{rep_id:07d}", f"Rep {rep_id:05d}", "rep",
                                tz, t, started, created))
                mine, weights, total = [], [], 0.0
                for _ in range(CUSTOMERS_PER_REP):
                    roll, tier, weight = rng.random(), "C", 1
                    for name, share, w in TIERS:
                        if roll < share:
                            tier, weight = name, w
                            break
                        roll -= share
                    # most customers predate the history; a fifth are won during it
                    since = created if rng.random() < 0.8 else naive(
                        START + timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86400)))
                    customers.append((next_customer, ws_id, f"Customer {next_customer:06d}",
                                      f"customer{next_customer:06d}", tier, rep_id, since))
                    mine.append(next_customer)
                    total += weight
                    weights.append(total)
                    next_customer += 1
                reps.append(Rep(rep_id, t, offset, started, tuple(mine), tuple(weights)))
        loader.load(Team.__table__, ("id", "workspace_id", "name", "name_key",
                                     "slack_channel_id", "timezone", "created_at"), teams)
        loader.load(Member.__table__, ("id", "workspace_id", "slack_user_id", "name", "role",
                                       "timezone", "team_id", "started_on", "created_at"),
                    members)
        loader.load(team_manager, ("team_id", "member_id"), managing)
        loader.load(Customer.__table__, ("id", "workspace_id", "name", "name_key", "tier",
                                         "owner_id", "created_at"), customers)
        log(f"{n_teams} teams, {len(members)} members, {len(customers)} customers")

        # deals: specs first (numbers follow creation order across the workspace), then the
        # deals and their history, then the activities that refer to them
        specs = _deal_specs(rng, reps)
        specs.sort(key=lambda s: s[0])
        loader.load(Deal.__table__, DEAL_COLUMNS, (
            _deal_row(n, ws_id, s) for n, s in enumerate(specs, 1)))
        log(f"{len(specs)} deals")
        loader.load(DealHistory.__table__, HISTORY_COLUMNS, _history_rows(specs))
        log(f"{loader.rows['deal_history']} deal history rows")
        by_rep: dict[int, list[tuple[date, date, int, int]]] = defaultdict(list)
        for n, s in enumerate(specs, 1):
            created_at, rep_id, customer = s[0], s[1], s[2]
            end = _closed_at(s) or NOW
            by_rep[rep_id].append((created_at.date(), end.date(), n, customer))
        last_number = len(specs)
        del specs
        loader.load(Activity.__table__, ACTIVITY_COLUMNS,
                    _activity_rows(rng, ws_id, reps, by_rep))
        log(f"{loader.rows['activity']} activities")
        del by_rep

        # targets, holidays, stand-ups, action items, settings
        loader.load(Target.__table__, (
            "workspace_id", "team_id", "member_id", "scope_key", "metric", "period_kind",
            "period_start", "period_end", "target_minor", "stretch_minor", "challenge_minor",
            "currency", "split", "set_by_id", "set_at"), _target_rows(rng, ws_id, managing))
        loader.load(Holiday.__table__, ("team_id", "day", "name"), (
            (t, date(y, m, d), "Holiday") for t, _ in managing
            for y in range(START.year, NOW.year + 1) for m, d in HOLIDAYS
            if START.date() <= date(y, m, d) <= NOW.date()))
        loader.load(StandupConfig.__table__, (
            "team_id", "enabled", "prompt_time", "days", "tz_mode", "window_minutes",
            "reminder_minutes", "enabled_at", "updated_at"), (
            (t, True, dtime(9, 30), "mon,tue,wed,thu,fri", "team", 120, 30, created, created)
            for t, _ in managing))
        loader.load(StandupAnswer.__table__, (
            "team_id", "member_id", "day", "skipped", "yesterday", "today", "blockers",
            "answered_at"), _answer_rows(rng, members))
        loader.load(ActionItem.__table__, (
            "workspace_id", "team_id", "owner_id", "text", "due_on", "created_by_id",
            "created_at", "done_at", "done_by_id"), _action_rows(rng, ws_id, managing, reps))
        loader.load(TeamSettings.__table__, (
            "team_id", "digest_day", "digest_time", "digest_enabled", "warnings", "updated_at"),
            ((t, 0, "08:30", True, "", created) for t, _ in managing))
        with engine.begin() as conn:
            conn.execute(update(Workspace).where(Workspace.id == ws_id)
                         .values(deal_seq=last_number))
        loader.fix_sequences(("member", "team", "customer", "deal", "deal_history",
                              "activity", "target", "holiday", "standup_config",
                              "standup_answer", "action_item"))
        if loader.postgres:
            # autovacuum would analyze the freshly loaded tables within a minute or so
            from sqlalchemy import text

            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return Generated(n_teams, len(members), len(reps), dict(loader.rows),
                     time.perf_counter() - began, dict(loader.seconds))


DealSpec = tuple[datetime, int, int, int, bool, int, float, date, int, int]
# created (aware), rep id, customer id, amount minor, won?, furthest open stage (0-3),
# cycle days, first expected close, first push (days, 0: none), second push


def _deal_specs(rng: random.Random, reps: Sequence[Rep]) -> list[DealSpec]:
    specs: list[DealSpec] = []
    for rep in reps:
        since = max(START, datetime.combine(rep.started, dtime(), UTC))
        span = (NOW - since).total_seconds()
        count = round(DEALS_PER_REP * span / (HISTORY_DAYS * 86400))
        for _ in range(count):
            created = since + timedelta(seconds=rng.uniform(0, span))
            won = rng.random() < WIN_RATE
            top = 3 if won else rng.choices((0, 1, 2, 3), (40, 30, 20, 10))[0]
            cycle = rng.triangular(5, 150, 40)
            first_close = created.date() + timedelta(days=int(cycle * rng.uniform(0.6, 1.1)))
            push = rng.randint(14, 45) if rng.random() < 0.2 else 0
            push2 = rng.randint(7, 30) if push and rng.random() < 0.3 else 0
            amount = round(rng.lognormvariate(math.log(MEAN_DEAL), 0.8), -2) * 100
            customer = rng.choices(rep.customers, cum_weights=rep.cum_weights)[0]
            specs.append((created, rep.id, customer, int(amount), won, top, cycle,
                          first_close, push, push2))
    return specs


def _closed_at(s: DealSpec) -> datetime | None:
    end = s[0] + timedelta(days=s[6])
    return end if end <= NOW else None


def _stage_moves(s: DealSpec) -> list[tuple[datetime, str, str]]:
    """(when, from, to) of the stage moves up to NOW."""
    created, won, top, cycle = s[0], s[4], s[5], s[6]
    moves = []
    for k in range(1, top + 1):
        moves.append((created + timedelta(days=cycle * k / (top + 2)), STAGES[k - 1],
                      STAGES[k]))
    moves.append((created + timedelta(days=cycle), STAGES[top], "won" if won else "lost"))
    return [m for m in moves if m[0] <= NOW]


def _pushes(s: DealSpec) -> list[tuple[datetime, date, date]]:
    """(when, old close, new close) of the close-date pushes up to NOW."""
    created, cycle, close, push, push2 = s[0], s[6], s[7], s[8], s[9]
    out = []
    if push:
        new = close + timedelta(days=push)
        out.append((created + timedelta(days=cycle * 0.5), close, new))
        if push2:
            out.append((created + timedelta(days=cycle * 0.8), new, new + timedelta(days=push2)))
    return [p for p in out if p[0] <= NOW]


DEAL_COLUMNS = ("id", "workspace_id", "number", "name", "customer_id", "owner_id",
                "amount_minor", "currency", "stage", "expected_close", "created_at",
                "closed_at", "lost_reason")
HISTORY_COLUMNS = ("deal_id", "field", "old_value", "new_value", "changed_by_id", "changed_at")
ACTIVITY_COLUMNS = ("workspace_id", "type", "customer_id", "deal_id", "member_id",
                    "occurred_on", "outcome", "notes", "next_step", "logged_at")


def _deal_row(n: int, ws_id: int, s: DealSpec) -> tuple[Any, ...]:
    moves, pushes = _stage_moves(s), _pushes(s)
    stage = moves[-1][2] if moves else "lead"
    closed = _closed_at(s)
    close = pushes[-1][2] if pushes else s[7]
    reason = LOST_REASONS[n % len(LOST_REASONS)] if stage == "lost" else None
    return (n, ws_id, n, f"Deal {n}", s[2], s[1], s[3], CURRENCY, stage, close,
            naive(s[0]), naive(closed) if closed else None, reason)


def _history_rows(specs: Sequence[DealSpec]) -> Iterator[tuple[Any, ...]]:
    """What `/deal new` and `/deal D-n <stage>|close:` record, in the same shape."""
    for n, s in enumerate(specs, 1):
        at, rep = naive(s[0]), s[1]
        yield (n, "stage", None, "lead", rep, at)
        yield (n, "amount", None, f"{s[3] / 100:.2f} {CURRENCY}", rep, at)
        yield (n, "close", None, s[7].isoformat(), rep, at)
        for when, old, new in _pushes(s):
            yield (n, "close", old.isoformat(), new.isoformat(), rep, naive(when))
        for when, old, new in _stage_moves(s):
            yield (n, "stage", old, new, rep, naive(when))


def _activity_rows(rng: random.Random, ws_id: int, reps: Sequence[Rep],
                   by_rep: dict[int, list[tuple[date, date, int, int]]]
                   ) -> Iterator[tuple[Any, ...]]:
    """About ACTIVITIES_PER_REP per rep over the history, on working days; nearly half of
    them on one of the rep's deals open that day (and with its customer)."""
    kinds = [k for k, _ in ACTIVITY_TYPES]
    kind_weights = [w for _, w in ACTIVITY_TYPES]
    outcomes = ("positive", "neutral", "negative", None)
    notes = ("Discussed renewal", "Walked through pricing", "Intro call", "Follow-up", "")
    all_days = working_days(START.date(), NOW.date() - timedelta(days=1))
    per_day = ACTIVITIES_PER_REP / len(all_days)
    for rep in reps:
        deals = sorted(by_rep.get(rep.id, []))
        nxt, active = 0, []
        for day in all_days:
            if day < rep.started:
                continue
            while nxt < len(deals) and deals[nxt][0] <= day:
                active.append(deals[nxt])
                nxt += 1
            active = [d for d in active if d[1] >= day]
            count = max(0, int(per_day + rng.uniform(-2.5, 2.5) + 0.5))
            if not count:
                continue
            picked = rng.choices(rep.customers, cum_weights=rep.cum_weights, k=count)
            types = rng.choices(kinds, kind_weights, k=count)
            for customer, kind in zip(picked, types, strict=True):
                deal = None
                if active and rng.random() < 0.45:
                    _, _, deal, customer = active[int(rng.random() * len(active))]
                hour = rng.uniform(8.5, 18.5) - rep.offset_h
                logged = datetime.combine(day, dtime()) + timedelta(hours=hour)
                roll = rng.random()
                yield (ws_id, kind, customer, deal, rep.id, day, outcomes[int(roll * 4)],
                       notes[int(roll * 5)], "Send proposal" if roll < 0.1 else None, logged)


def _target_rows(rng: random.Random, ws_id: int,
                 managing: Sequence[tuple[int, int]]) -> Iterator[tuple[Any, ...]]:
    """Monthly revenue and visits targets per team, from the history's start to next month."""
    mean_deal = MEAN_DEAL * math.exp(0.8 ** 2 / 2)
    revenue = REPS_PER_TEAM * DEALS_PER_REP / HISTORY_DAYS * 30.4 * WIN_RATE * mean_deal
    visits = REPS_PER_TEAM * ACTIVITIES_PER_REP / HISTORY_DAYS * 30.4 * 0.4
    for team_id, manager in managing:
        for start, end in months_between(START.date(), NOW.date() + timedelta(days=31)):
            set_at = naive(datetime.combine(start - timedelta(days=5), dtime(9), UTC))
            goal = int(revenue * rng.uniform(0.95, 1.3)) * 100
            yield (ws_id, team_id, None, f"team:{team_id}", "revenue", "month", start, end,
                   goal, goal * 12 // 10, goal * 15 // 10, CURRENCY, "even", manager, set_at)
            yield (ws_id, team_id, None, f"team:{team_id}", "visits", "month", start, end,
                   int(visits * rng.uniform(0.9, 1.2)) * 100, None, None, None, "even",
                   manager, set_at)


def _answer_rows(rng: random.Random,
                 members: Sequence[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Two weeks of stand-up answers: most answer, a few skip, some report a blocker."""
    days = working_days(NOW.date() - timedelta(days=14), NOW.date() - timedelta(days=1))
    for m in members:
        member_id, team_id = m[0], m[6]
        if team_id is None:
            continue
        blocked = rng.random() < 0.1
        for day in days:
            roll = rng.random()
            if roll < 0.1:
                continue
            at = datetime.combine(day, dtime(2)) + timedelta(minutes=rng.randint(0, 600))
            yield (team_id, member_id, day, roll < 0.15, "Visited two customers",
                   "Proposal for Deal 1", "waiting for legal" if blocked else "none", at)


def _action_rows(rng: random.Random, ws_id: int, managing: Sequence[tuple[int, int]],
                 reps: Sequence[Rep]) -> Iterator[tuple[Any, ...]]:
    team_reps: dict[int, list[int]] = defaultdict(list)
    for r in reps:
        team_reps[r.team_id].append(r.id)
    for team_id, manager in managing:
        for i in range(5):
            made = NOW - timedelta(days=rng.randint(3, 30))
            done = i % 2 == 0
            yield (ws_id, team_id, rng.choice(team_reps[team_id]), f"Follow up item {i + 1}",
                   (made + timedelta(days=10)).date(), manager, naive(made),
                   naive(made + timedelta(days=2)) if done else None, manager if done else None)


# --- the analytics (in a child process) -----------------------------------------------------


class SqlMeter:
    """Counts statements and time spent executing them, by statement shape."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        self.seconds = 0.0
        self.by_shape: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            took = time.perf_counter() - conn.info["bench_started"].pop()
            self.count += 1
            self.seconds += took
            shape = self.by_shape[" ".join(statement.split())[:160]]
            shape[0] += 1
            shape[1] += took

    def snapshot(self) -> tuple[int, float]:
        return self.count, self.seconds


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM where there is one: getrusage's ru_maxrss is carried
    across fork and exec on Linux, so a child would start with its parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def analyze(url: str, profile: bool, trace: bool, charts: bool) -> dict[str, Any]:
    """Time the digest and the rules for every team; runs in its own process."""
    from sqlalchemy import select

    from commands.reports.digest import build_digest
    from commands.team.config import rule_config
    from commands.warnings.checks import team_deviations
    from storage import repo
    from storage.db import make_engine, make_session_factory
    from storage.models import Team, Workspace

    engine = make_engine(url)
    factory = make_session_factory(engine)
    meter = SqlMeter(engine)
    with factory() as session:
        ws_id = session.scalar(select(Workspace.id).where(Workspace.slack_team_id == WORKSPACE))
        team_ids = list(session.scalars(select(Team.id).order_by(Team.id)))
    rss_before = peak_rss_mb()

    def per_team(work: Callable[[Any, Any, Any, Any], Any],
                 teams: Sequence[int] | None = None) -> list[dict[str, Any]]:
        out = []
        for team_id in team_ids if teams is None else teams:
            count, db = meter.snapshot()
            started = time.perf_counter()
            with factory() as session:
                ws = session.get_one(Workspace, ws_id)
                team = session.get_one(Team, team_id)
                config = rule_config(repo.workspaces.team_settings(session, team.id))
                result = work(session, ws, team, config)
            took = time.perf_counter() - started
            count2, db2 = meter.snapshot()
            out.append({"team": team_id, "s": took, "statements": count2 - count,
                        "db_s": db2 - db, "size": result})
        return out

    def digest(session: Any, ws: Any, team: Any, config: Any) -> int:
        d = build_digest(session, ws, team, NOW, config)
        return len(d.deviations)

    def deviations(session: Any, ws: Any, team: Any, config: Any) -> int:
        return len(team_deviations(session, ws, team, NOW, config))

    results: dict[str, Any] = {"teams": len(team_ids), "rss_start_mb": rss_before}
    log(f"analytics: {len(team_ids)} teams; a cold digest first (imports, caches)")
    results["cold"] = per_team(digest, team_ids[:1])[0]
    meter.by_shape.clear()
    log("analytics: the digest of every team")
    began = time.perf_counter()
    results["digest"] = per_team(digest)
    results["digest_wall_s"] = time.perf_counter() - began
    results["digest_shapes"] = sorted(
        ([s, n, t] for s, (n, t) in meter.by_shape.items()), key=lambda x: -x[2])[:8]
    meter.by_shape.clear()
    log("analytics: every deviation rule for every team")
    began = time.perf_counter()
    results["deviations"] = per_team(deviations)
    results["deviations_wall_s"] = time.perf_counter() - began
    results["deviation_shapes"] = sorted(
        ([s, n, t] for s, (n, t) in meter.by_shape.items()), key=lambda x: -x[2])[:8]

    def forecast(session: Any, ws: Any, team: Any, config: Any) -> int:
        """The forecast roll-up of the team, for the month and the quarter (`/forecast team`)."""
        from commands.core.periods import period_containing
        from commands.forecast.show import team_figures

        today = NOW.date()
        return sum(len(team_figures(session, ws, team, period_containing(kind, today), NOW)[1])
                   for kind in ("month", "quarter"))

    log("analytics: the forecast roll-up of every team (month and quarter)")
    began = time.perf_counter()
    results["forecast"] = per_team(forecast)
    results["forecast_wall_s"] = time.perf_counter() - began

    def home(session: Any, ws: Any, team: Any, config: Any) -> int:
        """What the team's manager's Home tab reads when they open it."""
        from commands.core.actors import Actor
        from commands.team.home import run_home

        manager = team.managers[0] if team.managers else team.members[0]
        shown = run_home(session=session, actor=Actor(member=manager, workspace=ws), now=NOW)
        return len(shown.parts)

    log("analytics: the Home tab of every team's manager")
    began = time.perf_counter()
    results["home"] = per_team(home)
    results["home_wall_s"] = time.perf_counter() - began
    results["rss_mb"] = peak_rss_mb()
    if charts:
        from jobs.chart import digest_chart

        log("analytics: digest plus its chart (PNG), every team")

        def with_chart(session: Any, ws: Any, team: Any, config: Any) -> int:
            d = build_digest(session, ws, team, NOW, config)
            return len(digest_chart(d.cumulative, d.attainment, team.name))

        began = time.perf_counter()
        results["charts"] = per_team(with_chart)
        results["charts_wall_s"] = time.perf_counter() - began
        results["rss_mb"] = peak_rss_mb()
    if trace:
        import tracemalloc

        log("analytics: one more digest pass under tracemalloc")
        tracemalloc.start()
        per_team(digest)
        per_team(deviations)
        results["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if profile:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        per_team(digest, team_ids[:1])
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
        results["profile"] = buf.getvalue()
    engine.dispose()
    return results


# --- the report -------------------------------------------------------------------------------


def fmt_s(x: float) -> str:
    return f"{x * 1000:,.0f} ms" if x < 1 else f"{x:,.2f} s"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(db_label: str, gen: Generated | None, res: dict[str, Any],
           scale_note: str) -> None:
    print(f"\n== analytics on {db_label}{scale_note} ==")
    if gen is not None:
        print(f"generated {gen.teams} teams, {gen.members} members ({gen.reps} reps) in "
              f"{gen.seconds:,.1f} s:")
        for name, n in gen.rows.items():
            secs = gen.load_seconds.get(name, 0.0)
            rate = f"{n / secs:>10,.0f} rows/s" if secs > 0 and n > 1000 else ""
            print(f"  {name:16} {n:>10,} rows  {secs:7.1f} s {rate}")
    cold = res["cold"]
    print(f"first digest (cold: imports, statement cache): {fmt_s(cold['s'])}")
    for key, title in (("digest", "build_digest"), ("deviations", "team_deviations"),
                       ("home", "a manager's Home tab (run_home)"),
                       ("forecast", "the forecast roll-up, month and quarter (team_figures)"),
                       ("charts", "build_digest + chart PNG")):
        rows = res.get(key)
        if not rows:
            continue
        secs = sorted(r["s"] for r in rows)
        stmts = statistics.median(r["statements"] for r in rows)
        db = statistics.median(r["db_s"] for r in rows)
        worst = max(rows, key=lambda r: r["s"])
        print(f"{title}, per team: min {fmt_s(secs[0])}, median "
              f"{fmt_s(statistics.median(secs))}, max {fmt_s(secs[-1])} (team {worst['team']}); "
              f"{stmts:.0f} statements, {fmt_s(db)} of it in the database (medians)")
        print(f"{title}, all {len(rows)} teams one after another: "
              f"{fmt_s(res[key + '_wall_s'])}")
    for key, title in (("digest_shapes", "digest"), ("deviation_shapes", "deviation rules")):
        shapes = res.get(key) or []
        total = sum(t for _, _, t in shapes)
        if not shapes or total <= 0:
            continue
        print(f"costliest statements ({title}, all teams; calls, total time):")
        for sql, n, t in shapes[:5]:
            print(f"  {n:>5} × {fmt_s(t):>9}  {sql[:120]}")
    print(f"peak RSS of the analytics process: {res['rss_mb']:,.0f} MB (after imports and "
          f"setup: {res['rss_start_mb']:,.0f} MB)")
    if "tracemalloc_peak_mb" in res:
        print(f"tracemalloc peak over one digest and one rules pass of every team: "
              f"{res['tracemalloc_peak_mb']:,.1f} MB")
    if "profile" in res:
        print("\ncProfile of one team's digest (cumulative):")
        print(res["profile"])
    secs = [r["s"] for r in res["digest"]]
    n = len(secs)
    print(f"goal: one team's digest < {GOAL_ONE_S:.0f} s: max {fmt_s(max(secs))} -> "
          f"{verdict(max(secs) < GOAL_ONE_S)}")
    if n >= FULL_TEAMS:
        print(f"goal: all {FULL_TEAMS} teams' digests < {GOAL_ALL_S:.0f} s: "
              f"{fmt_s(res['digest_wall_s'])} -> {verdict(res['digest_wall_s'] < GOAL_ALL_S)}")
    else:
        low = res["digest_wall_s"] * FULL_TEAMS / n
        print(f"goal: all {FULL_TEAMS} teams' digests < {GOAL_ALL_S:.0f} s: not measured at "
              f"this scale ({n} teams: {fmt_s(res['digest_wall_s'])}; {fmt_s(low)} for "
              f"{FULL_TEAMS} is only a lower bound, as a team's digest gets slower with the "
              "organisation's size) -> run --scale 1")
    fsecs = [r["s"] for r in res["forecast"]]
    print(f"goal: one team's forecast roll-up < {GOAL_ONE_S:.0f} s (the digest's budget): max "
          f"{fmt_s(max(fsecs))} -> {verdict(max(fsecs) < GOAL_ONE_S)}")
    print(f"goal: peak RSS < {GOAL_RSS_MB:,.0f} MB: {res['rss_mb']:,.0f} MB -> "
          f"{verdict(res['rss_mb'] < GOAL_RSS_MB)}")


# --- the run --------------------------------------------------------------------------------


@contextmanager
def database(admin_url: str | None, workdir: Path, keep: bool) -> Iterator[tuple[str, str]]:
    if keep and admin_url:
        import uuid

        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"salesbot_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        log(f"created PostgreSQL database {name} (kept: drop it yourself)")
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False), \
            f"PostgreSQL ({name})"
        return
    from bench.commands import bench_database

    with bench_database(admin_url, workdir) as found:
        yield found


def run_child(url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    out = workdir / "analytics.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--analyze", url, str(out)]
    argv += ["--profile"] if args.profile else []
    argv += ["--no-tracemalloc"] if args.no_tracemalloc else []
    argv += ["--charts"] if args.charts else []
    proc = subprocess.run(argv, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the analytics process failed with exit status {proc.returncode}")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def bench(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="salesbot-analytics-"))
    load_before = os.getloadavg()[0]
    try:
        if args.reuse:
            label = "PostgreSQL" if args.reuse.startswith("postgresql") else "SQLite"
            report(f"{label} (reused {args.reuse})", None, run_child(args.reuse, args, workdir),
                   "")
        else:
            generate_and_analyze(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} at the end "
          "(the analytics alone make 1; more is other work on the machine)")


def generate_and_analyze(args: argparse.Namespace, workdir: Path) -> None:
    """Generate into a fresh database, analyse it in a child process, report."""
    with database(args.database_url, workdir, args.keep) as (url, label):
        gen = generate(url, args.scale, args.seed)
        gen_rss = peak_rss_mb()
        if not url.startswith("postgresql"):
            size = sum(p.stat().st_size for p in workdir.glob("bench.db*"))
            log(f"SQLite file: {size / 2**20:,.0f} MB")
        res = run_child(url, args, workdir)
        report(label, gen, res, f", --scale {args.scale:g}")
        print(f"(the generating process peaked at {gen_rss:,.0f} MB RSS; not counted)")
        if args.keep:
            if url.startswith("sqlite"):
                kept = Path(tempfile.gettempdir()) / f"salesbot-analytics-{args.scale:g}.db"
                shutil.copy(workdir / "bench.db", kept)
                url = f"sqlite:///{kept}"
            print(f"kept the database: --reuse {url}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the weekly digest and the deviation rules over a synthetic "
                    "two-year history (500 reps in 50 teams, ~1M activities, ~200k deals "
                    "at --scale 1).",
        epilog="Goals: one team's digest < 1 s; all 50 < 30 s; peak RSS < 1 GB. Exit status "
               "0 unless something broke.")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the organisation: 1 is 50 teams of 10 reps; 0.05 is 2 "
                             "teams (default 1)")
    parser.add_argument("--database-url", metavar="URL",
                        help="PostgreSQL server to run on, e.g. postgresql+psycopg://"
                             "postgres@127.0.0.1:5432/test: a fresh database is created next "
                             "to the one named and dropped afterwards (default: a SQLite file "
                             "in a temporary directory)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one team's digest")
    parser.add_argument("--charts", action="store_true",
                        help="also time the digest with its chart (PNG), as the weekly job "
                             "sends it")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="skip the extra pass under tracemalloc")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated database (a SQLite copy in the temporary "
                             "directory, or the PostgreSQL database) and print its URL")
    parser.add_argument("--reuse", metavar="URL",
                        help="skip the generation: analyse a database kept with --keep")
    parser.add_argument("--analyze", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.analyze:
        url, out = args.analyze
        res = analyze(url, args.profile, not args.no_tracemalloc, args.charts)
        Path(out).write_text(json.dumps(res, default=str))
        return
    try:
        bench(args)
    except KeyboardInterrupt:
        log("interrupted")
        raise SystemExit(130) from None
    except RuntimeError as exc:
        log(f"failed: {exc}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
