"""Benchmark: the morning stand-up fan-out, 5,000 prompts through the real ticker and notifier.

Sets up 5,000 members in 100 teams of 50 (a manager and 49 reps), five teams in each of 20
timezones, every team with a weekday stand-up at 09:00 team time (window 120 minutes, no
reminder unless `--reminder`), in a fresh database (a SQLite file in a temporary directory,
or a PostgreSQL database created next to the one `--database-url` names and dropped
afterwards). Then runs the real `jobs.ticker.Ticker` with `jobs.standup.StandupSource` and the
real `bot.notifier.SlackNotifier`, pointed at a stub Slack Web API (bench/_fanout_stub.py, in
its own process) that allows about one message per second per channel with a small burst
and answers 429 with Retry-After beyond that (optionally also a workspace-wide limit and a
conversations.open limit). A prompt goes to the member's user id, which the stub, like Slack,
posts in their DM (`D<user id>`, limited like any channel) and answers with the DM's id.

The ticker is driven by a simulated clock through Monday 2026-06-01: `tick(now)` for each
minute around each zone's 09:00 (and reminder and summary times), and for every minute in
which a retry falls due, as the once-a-minute scheduler would (`--every-minute`: every
minute of the day). The notifier's sleeps (its per-channel pacer and its Retry-After waits)
advance a virtual clock that the stub's rate limits also run on, so nothing really waits,
the run is deterministic in what is sent and limited, and the waits are counted
(`--clock real`: really sleep, on the system's monotonic clock).

Reports: the time to find what is due (`Ticker.due`, timed inside every tick) and a dry run
(`Ticker.plan`) at each zone's 09:00; the time to deliver every prompt (real time in the
ticks, plus the waits the virtual clock skipped); the 429s answered and retried; and checks
that each prompt was delivered exactly once (one prompt per member's DM at the stub; 5,000
delivery rows sent). `--tickers 2` runs two tickers (two instances: own engine, own
notifier) in two threads on every minute. It is a benchmark, not a test: the exit status is
0 unless something broke (or the exactly-once check failed).

Usage (from the repository root):

    .venv/bin/python bench/fanout.py --scale 0.05              # quick: 250 members
    .venv/bin/python bench/fanout.py                           # 5,000 members, SQLite
    .venv/bin/python bench/fanout.py --tickers 2 --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# Run as `python bench/fanout.py`, this file's folder comes first on sys.path, and
# bench/commands.py would shadow salesbot's own `commands` package: put the root there instead.
_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _ROOT / "bench":
    sys.path[0] = str(_ROOT)
elif str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

DAY = date(2026, 6, 1)  # a Monday; the weekend before has no stand-up
PROMPT_AT = dtime(9, 0)
WORKSPACE = "T0FANOUT"
# 20 zones, 20 different UTC offsets on DAY (June: northern summer time)
ZONES = ("Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
         "America/Chicago", "America/New_York", "America/Sao_Paulo", "Atlantic/Cape_Verde",
         "UTC", "Europe/London", "Europe/Berlin", "Europe/Moscow", "Asia/Dubai",
         "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai",
         "Asia/Tokyo", "Australia/Sydney")
FULL_TEAMS = 100
TEAM_SIZE = 50
WINDOW_MINUTES = 120


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- clocks ------------------------------------------------------------------------------------


class VirtualClock:
    """Seconds in shared memory (the stub process reads them); sleeping adds to them.

    With two tickers, each one's sleeps add up (where really they would overlap), so time
    runs a little fast: if anything, fewer 429s than Slack would answer.
    """

    def __init__(self) -> None:
        import multiprocessing as mp

        self.value = mp.get_context("spawn").RawValue("d", 0.0)
        self._lock = threading.Lock()
        self.slept = 0.0
        self.sleeps = 0

    def now(self) -> float:
        return float(self.value.value)

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.value.value += max(seconds, 0.0)
            self.slept += max(seconds, 0.0)
            self.sleeps += 1

    def advance_to(self, seconds: float) -> None:
        """The scheduler's next minute: time passes between ticks (never backwards)."""
        with self._lock:
            self.value.value = max(self.value.value, seconds)


class RealClock:
    def __init__(self) -> None:
        self.value = None  # the stub uses time.monotonic
        self._lock = threading.Lock()
        self.slept = 0.0
        self.sleeps = 0

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept += max(seconds, 0.0)
            self.sleeps += 1
        time.sleep(max(seconds, 0.0))

    def advance_to(self, seconds: float) -> None:
        pass  # the ticks run back to back; real time only moves by itself


# --- the organisation --------------------------------------------------------------------


@dataclass(frozen=True)
class Org:
    teams: int
    members: int
    user_zone: dict[str, str]  # Slack user id -> timezone
    zone_prompt: dict[str, datetime]  # timezone -> the UTC instant of 09:00 on DAY
    team_channels: tuple[str, ...]


def setup(url: str, teams: int, reminder: int) -> Org:
    """Migrate the fresh database and add the teams, members and stand-up configs."""
    from sqlalchemy import insert

    from storage import repo
    from storage.db import make_engine, make_session_factory, upgrade
    from storage.models import Member, StandupConfig, Team, team_manager

    upgrade(url)
    engine = make_engine(url)
    created = datetime.combine(DAY - timedelta(days=30), dtime(), UTC)
    enabled_at = datetime.combine(DAY - timedelta(days=1), dtime(), UTC)  # Sunday
    user_zone: dict[str, str] = {}
    channels = []
    try:
        with make_session_factory(engine).begin() as session:
            ws_id = repo.workspaces.create_workspace(session, WORKSPACE, name="Fan-out bench",
                                          currency="USD", timezone="UTC", now=created).id
        team_rows, member_rows, managers, configs = [], [], [], []
        member_id = 0
        for t in range(1, teams + 1):
            zone = ZONES[(t - 1) % len(ZONES)]
            channel = f"C{t:08d}"
            channels.append(channel)
            team_rows.append({"id": t, "workspace_id": ws_id, "name": f"Team {t:03d}",
                              "name_key": f"team{t:03d}", "slack_channel_id": channel,
                              "timezone": zone, "created_at": created})
            for i in range(TEAM_SIZE):
                member_id += 1
                user = f"U{member_id:08d}"
                user_zone[user] = zone
                member_rows.append({
                    "id": member_id, "workspace_id": ws_id, "slack_user_id": user,
                    "name": f"Member {member_id:05d}", "role": "manager" if i == 0 else "rep",
                    "timezone": zone, "team_id": t, "started_on": None,
                    "created_at": created})
                if i == 0:
                    managers.append({"team_id": t, "member_id": member_id})
            configs.append({"team_id": t, "enabled": True, "prompt_time": PROMPT_AT,
                            "days": "mon,tue,wed,thu,fri", "tz_mode": "team",
                            "window_minutes": WINDOW_MINUTES, "reminder_minutes": reminder,
                            "enabled_at": enabled_at, "updated_at": enabled_at})
        with engine.begin() as conn:
            conn.execute(insert(Team), team_rows)
            conn.execute(insert(Member), member_rows)
            conn.execute(insert(team_manager), managers)
            conn.execute(insert(StandupConfig), configs)
        if engine.dialect.name == "postgresql":
            from sqlalchemy import text

            with engine.begin() as conn:
                for name in ("team", "member", "standup_config"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                      f"(SELECT max(id) + 1 FROM \"{name}\"), false)"))
                conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    used = sorted(set(user_zone.values()), key=ZONES.index)
    prompts = {z: datetime.combine(DAY, PROMPT_AT, ZoneInfo(z)).astimezone(UTC) for z in used}
    return Org(teams, len(member_rows), user_zone, prompts, tuple(channels))


# --- the run ---------------------------------------------------------------------------------


@dataclass
class TickStat:
    now: datetime
    real_start: float  # time.monotonic()
    clock_start: float
    seconds: float = 0.0  # wall time of the tick (of the slower one, with two tickers)
    due_s: list[float] = field(default_factory=list)  # Ticker.due inside the tick
    due_items: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    slept: float = 0.0  # the notifier's waits during the tick (virtual or real)
    by_instance: list[int] = field(default_factory=list)  # prompts each ticker sent


@dataclass
class PlanStat:
    now: datetime
    seconds: float
    due_s: float
    items: int
    to_send: int


class Instance:
    """One bot instance: its own engine, notifier (pacer, DM cache) and ticker."""

    def __init__(self, url: str, api_url: str, clock: Any) -> None:
        from bot.notifier import SlackNotifier
        from jobs.standup import StandupSource
        from jobs.ticker import Ticker
        from storage.db import make_engine, make_session_factory

        self.engine = make_engine(url)
        self.notifier = SlackNotifier.connect("xoxb-bench", api_url, sleep=clock.sleep,
                                              clock=clock.now)
        self.ticker = Ticker(make_session_factory(self.engine), self.notifier,
                             [StandupSource()])
        self.due_calls: list[tuple[float, int]] = []
        due = self.ticker.due

        def timed_due(now: datetime) -> Any:
            started = time.perf_counter()
            found = due(now)
            self.due_calls.append((time.perf_counter() - started, len(found)))
            return found

        self.ticker.due = timed_due  # type: ignore[method-assign]


def event_minutes(org: Org, reminder: int, after: int) -> list[datetime]:
    """The minutes to tick: around each zone's prompt, reminder and summary."""
    minutes: set[datetime] = set()
    for at in org.zone_prompt.values():
        events = [at, at + timedelta(minutes=WINDOW_MINUTES)]
        if reminder:
            events.append(at + timedelta(minutes=reminder))
        for e in events:
            for k in range(-1, after + 1):
                minutes.add(e + timedelta(minutes=k))
    return sorted(minutes)


def next_retry(factory: Any) -> datetime | None:
    from sqlalchemy import func, select

    from storage.models import Delivery, DeliveryStatus

    with factory() as session:
        found: datetime | None = session.scalar(
            select(func.min(Delivery.next_attempt_at))
            .where(Delivery.status == DeliveryStatus.RETRYING))
        return found


def ceil_minute(at: datetime) -> datetime:
    floor = at.replace(second=0, microsecond=0)
    return floor if floor == at else floor + timedelta(minutes=1)


def drive(org: Org, instances: Sequence[Instance], clock: Any, args: argparse.Namespace,
          ) -> tuple[list[TickStat], list[PlanStat]]:
    """Tick through the day; with several instances, all tick each minute together."""
    schedule = event_minutes(org, args.reminder, args.after)
    if args.every_minute:
        first, last = schedule[0], schedule[-1]
        schedule = [first + timedelta(minutes=k)
                    for k in range(int((last - first).total_seconds() // 60) + 1)]
    origin = schedule[0] - timedelta(minutes=1)
    prompt_minutes = set(org.zone_prompt.values())
    factory = instances[0].ticker.session_factory
    ticks: list[TickStat] = []
    plans: list[PlanStat] = []
    profiled: list[str] = []
    pool = ThreadPoolExecutor(max_workers=len(instances)) if len(instances) > 1 else None
    pending = list(schedule)
    now = pending.pop(0)
    began = time.monotonic()
    last_log = began
    try:
        while True:
            clock.advance_to((now - origin).total_seconds())
            if now in prompt_minutes and not args.no_plan:
                plans.append(dry_run(instances[0], now))
            stat = TickStat(now, time.monotonic(), clock.now())
            for inst in instances:
                inst.due_calls.clear()
            slept = clock.slept
            profiler = None
            if args.profile and pool is None and now in prompt_minutes and not profiled:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started = time.perf_counter()
            if pool is None:
                reports = [instances[0].ticker.tick(now)]
            else:
                futures = [pool.submit(inst.ticker.tick, now) for inst in instances]
                reports = [f.result() for f in futures]
            stat.seconds = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
                profiled.append(_profile_text(profiler, now))
            stat.slept = clock.slept - slept
            stat.due_s = [s for inst in instances for s, _ in inst.due_calls]
            stat.due_items = max((n for inst in instances for _, n in inst.due_calls),
                                 default=0)
            for r in reports:
                stat.by_instance.append(sum(1 for k in r.sent
                                            if k.startswith("standup_prompt:")))
                stat.sent += stat.by_instance[-1]
                stat.retrying += len(r.retrying)
                stat.failed += len(r.failed)
                stat.skipped += len(r.skipped)
            ticks.append(stat)
            if time.monotonic() - last_log > 10 or stat.sent:
                last_log = time.monotonic()
                log(f"{now:%a %H:%M} UTC: {stat.sent} prompts sent, {stat.retrying} to retry "
                    f"in {stat.seconds:.1f} s (total {sum(t.sent for t in ticks)})")
            retry = next_retry(factory)
            candidates = [m for m in ([ceil_minute(retry)] if retry else []) + pending[:1]
                          if m > now]
            if retry is not None and not candidates:
                candidates = [now + timedelta(minutes=1)]
            if not candidates:
                break
            now = min(candidates)
            if pending and pending[0] == now:
                pending.pop(0)
            if len(ticks) > 20_000:
                raise RuntimeError("the run does not converge: still retrying after 20k ticks")
    finally:
        if pool is not None:
            pool.shutdown()
    for text in profiled:
        print(text)
    return ticks, plans


def _profile_text(profiler: Any, now: datetime) -> str:
    import io
    import pstats

    buf = io.StringIO()
    pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(30)
    return f"\ncProfile of the tick at {now:%a %H:%M} UTC (a zone's 09:00):\n{buf.getvalue()}"


def dry_run(inst: Instance, now: datetime) -> PlanStat:
    inst.due_calls.clear()
    started = time.perf_counter()
    planned = inst.ticker.plan(now)
    took = time.perf_counter() - started
    due_s = inst.due_calls[0][0] if inst.due_calls else math.nan
    inst.due_calls.clear()
    return PlanStat(now, took, due_s, len(planned), sum(1 for p in planned if p.action == "send"))


# --- checks and figures -------------------------------------------------------------------


def delivery_counts(url: str) -> Counter[tuple[str, str]]:
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import Delivery

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Delivery.kind, Delivery.status, func.count())
                                .group_by(Delivery.kind, Delivery.status)).all()
            attempts = conn.execute(select(Delivery.attempts, func.count())
                                    .where(Delivery.kind == "standup_prompt")
                                    .group_by(Delivery.attempts)).all()
    finally:
        engine.dispose()
    out: Counter[tuple[str, str]] = Counter()
    for kind, status, n in rows:
        out[(kind, getattr(status, "value", str(status)))] = int(n)
    for tries, n in attempts:
        out[("prompt attempts", str(tries))] = int(n)
    return out


def fmt_s(x: float) -> str:
    if math.isnan(x):
        return "-"
    return f"{x * 1000:,.0f} ms" if x < 1 else f"{x:,.1f} s"


def report(org: Org, db_label: str, args: argparse.Namespace, ticks: list[TickStat],
           plans: list[PlanStat], stats: dict[str, Any], counts: Counter[tuple[str, str]],
           clock: Any) -> list[str]:
    """Print the figures; return the exactly-once problems found."""
    limits = stats["limits"]
    ws = (f"{limits['workspace_per_minute']}/min" if limits["workspace_per_minute"] else "off")
    opens = (f"{limits['open_per_minute']}/min" if limits["open_per_minute"] else "off")
    print(f"\n== fan-out on {db_label}: {org.members:,} members in {org.teams} teams over "
          f"{len(org.zone_prompt)} timezones, stand-up 09:00 team time on Mon {DAY} ==")
    print(f"stub: chat.postMessage {1 / limits['channel_interval']:g}/s per channel (burst "
          f"{limits['channel_burst']}), workspace-wide {ws}; conversations.open {opens}; "
          f"clock {args.clock}; {args.tickers} ticker{'s' if args.tickers > 1 else ''}"
          f"{'; reminder after ' + str(args.reminder) + ' min' if args.reminder else ''}")
    tick_s = sum(t.seconds for t in ticks)
    virtual = args.clock == "virtual"
    longest = max(ticks, key=lambda t: t.seconds + (t.slept if virtual else 0))
    waits = "" if not longest.slept else f" + {fmt_s(longest.slept)} of waits" if virtual \
        else f" (of which {fmt_s(longest.slept)} asleep)"
    print(f"ticks: {len(ticks)} ({ticks[0].now:%a %H:%M} to {ticks[-1].now:%a %H:%M} UTC), "
          f"{fmt_s(tick_s)} of real time in them; the longest {fmt_s(longest.seconds)}{waits} "
          "(a tick past 60 s delays the next minute's)")
    due = [s for t in ticks for s in t.due_s]
    busiest = max(ticks, key=lambda t: (t.due_items, max(t.due_s, default=0)))
    print(f"finding what is due (Ticker.due, every tick): median {fmt_s(statistics.median(due))}"
          f", max {fmt_s(max(due))}; at the busiest minute ({busiest.now:%a %H:%M} UTC, "
          f"{busiest.due_items:,} items due, claimed or not): {fmt_s(max(busiest.due_s))}")
    if plans:
        worst = max(plans, key=lambda p: p.seconds)
        print(f"dry run at each zone's 09:00 (Ticker.plan: due, then build every unsent item): "
              f"median {fmt_s(statistics.median(p.seconds for p in plans))}, max "
              f"{fmt_s(worst.seconds)} ({worst.to_send} to send of {worst.items} due; due() "
              f"alone {fmt_s(worst.due_s)})")

    # delivery: when each prompt was accepted, from the stub's record
    due_at = {f"D{u}": org.zone_prompt[z] for u, z in org.user_zone.items()}
    starts = [t.real_start for t in ticks]
    latency: dict[datetime, list[float]] = {}
    prompt_posts: Counter[str] = Counter()
    reminder_posts: Counter[str] = Counter()
    channel_posts: Counter[str] = Counter()
    for channel, thread, text, real, at_clock in stats["posts"]:
        if channel.startswith("D") and text.startswith(":wave:"):
            prompt_posts[channel] += 1
            i = max(0, _bisect(starts, real) - 1)
            t = ticks[i]
            late = (t.now - due_at[channel]).total_seconds() + (real - t.real_start)
            if virtual:
                late += at_clock - t.clock_start
            latency.setdefault(due_at[channel], []).append(late)
        elif channel.startswith("D"):
            reminder_posts[channel] += 1
        elif thread is None:
            channel_posts[channel] += 1
    sending = [t for t in ticks if t.sent]
    sent_real = sum(t.seconds for t in sending)
    n_sent = sum(prompt_posts.values())
    print(f"delivering: {n_sent:,} prompts in {len(sending)} ticks, {fmt_s(sent_real)} of real "
          f"time ({fmt_s(sent_real / max(n_sent, 1))} a prompt), "
          + (f"plus {fmt_s(sum(t.slept for t in sending))} of waits skipped by the virtual "
             "clock" if virtual else
             f"of which {fmt_s(sum(t.slept for t in sending))} asleep (pacer, Retry-After)"))
    lasts = sorted(max(v) for v in latency.values())
    if lasts:
        print(f"last prompt of a zone delivered after 09:00 + median "
              f"{fmt_s(statistics.median(lasts))}, max {fmt_s(lasts[-1])} (real time in the "
              f"tick + its waits + minutes of retry); "
              f"{len(org.user_zone) // len(org.zone_prompt)} members a zone")
    limited = stats["limited"]
    by_method = ", ".join(f"{k} {v:,}" for k, v in limited.items()) or "none"
    print(f"429s answered: {sum(limited.values()):,} ({by_method}); "
          f"accepted after a 429 (retried): {stats['retried_ok']:,}; "
          f"prompt deliveries that needed a later tick: "
          f"{sum(v for (k, a), v in counts.items() if k == 'prompt attempts' and a != '1'):,}; "
          f"notifier waits: {clock.sleeps:,} ({fmt_s(clock.slept)})")
    if args.tickers > 1:
        split = [sum(t.by_instance[i] for t in ticks) for i in range(args.tickers)]
        print(f"prompts sent by each ticker: {' / '.join(f'{n:,}' for n in split)}")
    calls = ", ".join(f"{k} {v:,}" for k, v in sorted(stats["calls"].items()))
    print(f"stub calls: {calls}; chat.postMessage to a user id (posted in their DM): "
          f"{stats.get('to_user', 0):,}")

    problems = []
    expected = set(due_at)
    per_dm = Counter(prompt_posts.values())
    missing = expected - set(prompt_posts)
    if missing:
        problems.append(f"{len(missing)} members got no prompt")
    if any(n != 1 for n in prompt_posts.values()):
        problems.append(f"prompts per member DM: {dict(per_dm)}")
    if any(n > 1 for n in reminder_posts.values()):
        problems.append("a member got more than one reminder")
    sent_rows = counts.get(("standup_prompt", "sent"), 0)
    if sent_rows != org.members:
        problems.append(f"prompt delivery rows sent: {sent_rows}, expected {org.members}")
    other = {f"{k}:{s}": n for (k, s), n in counts.items()
             if k == "standup_prompt" and s != "sent"}
    if other:
        problems.append(f"prompt delivery rows not sent: {other}")
    if any(n != 1 for n in channel_posts.values()):
        problems.append(f"summaries per team channel: {dict(Counter(channel_posts.values()))}")
    rows = ", ".join(f"{k} {s} {n:,}" for (k, s), n in sorted(counts.items())
                     if k != "prompt attempts")
    print(f"delivery rows: {rows}")
    print(f"exactly once: prompts per member DM {dict(per_dm)}, prompt rows sent "
          f"{sent_rows:,}/{org.members:,}, summary parents per team channel "
          f"{dict(Counter(channel_posts.values()))} -> "
          f"{'ok' if not problems else 'MISMATCH: ' + '; '.join(problems)}")
    return problems


def _bisect(values: list[float], x: float) -> int:
    import bisect

    return bisect.bisect_right(values, x)


def bench(args: argparse.Namespace) -> None:
    from bench._fanout_stub import FanoutStub, Limits
    from bench.commands import bench_database

    level = logging.INFO if args.verbose else logging.ERROR
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    clock: Any = VirtualClock() if args.clock == "virtual" else RealClock()
    limits = Limits(channel_interval=1.0, channel_burst=args.channel_burst,
                    workspace_per_minute=args.workspace_per_minute,
                    open_per_minute=args.open_per_minute)
    teams = max(1, round(FULL_TEAMS * args.scale))
    workdir = Path(tempfile.mkdtemp(prefix="salesbot-fanout-"))
    load_before = os.getloadavg()[0]
    instances: list[Instance] = []
    try:
        with FanoutStub(limits, clock.value) as stub, \
                bench_database(args.database_url, workdir) as (url, db_label):
            started = time.perf_counter()
            org = setup(url, teams, args.reminder)
            log(f"{org.members} members in {org.teams} teams set up in "
                f"{time.perf_counter() - started:.1f} s")
            instances = [Instance(url, stub.api_url, clock) for _ in range(args.tickers)]
            try:
                ticks, plans = drive(org, instances, clock, args)
            finally:
                for inst in instances:
                    inst.engine.dispose()
            stats = stub.stats()
            problems = report(org, db_label, args, ticks, plans, stats, delivery_counts(url),
                              clock)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs shared by the ticker(s), "
          f"the stub (own process) and the database; load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} at the end")
    if problems:
        raise SystemExit(1)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the stand-up fan-out: 5,000 prompts across 20 timezones "
                    "through the real ticker and Slack notifier, against a rate-limited "
                    "stub of Slack's Web API, on a simulated clock.",
        epilog="Exit status 0 unless something broke or a prompt was not delivered exactly "
               "once.")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1: 100 teams of 50 (5,000 members); 0.05: 5 teams (default 1)")
    parser.add_argument("--database-url", metavar="URL",
                        help="PostgreSQL server to run on, e.g. postgresql+psycopg://"
                             "postgres@127.0.0.1:5432/test: a fresh database is created next "
                             "to the one named and dropped afterwards (default: a SQLite file "
                             "in a temporary directory)")
    parser.add_argument("--tickers", type=int, default=1,
                        help="bot instances ticking together, each in a thread (default 1)")
    parser.add_argument("--clock", choices=("virtual", "real"), default="virtual",
                        help="virtual: the notifier's waits advance a shared clock instead of "
                             "sleeping (default); real: sleep, on the monotonic clock (the "
                             "ticks then run back to back, so the stub's limits see the zones' "
                             "bursts closer together than they are)")
    parser.add_argument("--reminder", type=int, default=0, metavar="MIN",
                        help="remind those who have not answered after MIN minutes (default 0: "
                             "no reminder)")
    parser.add_argument("--channel-burst", type=int, default=3,
                        help="posts a channel may take at once before the 1/s limit (default 3)")
    parser.add_argument("--workspace-per-minute", type=int, default=0, metavar="N",
                        help="also limit chat.postMessage across the workspace to N a minute "
                             "(ten seconds' burst; Slack says 'several hundred'; default 0: "
                             "off)")
    parser.add_argument("--open-per-minute", type=int, default=0, metavar="N",
                        help="limit conversations.open to N a minute (Slack's Tier 3 is "
                             "'50+'; default 0: off)")
    parser.add_argument("--after", type=int, default=3, metavar="MIN",
                        help="minutes ticked after each event (default 3)")
    parser.add_argument("--every-minute", action="store_true",
                        help="tick every minute of the day, not only around the events (slow)")
    parser.add_argument("--no-plan", action="store_true",
                        help="skip the dry run (Ticker.plan) at each zone's 09:00")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile of the first zone's 09:00 tick (one ticker)")
    parser.add_argument("--verbose", action="store_true", help="log the ticker's INFO lines")
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.tickers < 1:
        parser.error("--scale must be positive and --tickers at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
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
