"""Benchmark: slash commands over HTTP against `salesbot run`, and against a bare Bolt app.

Starts `salesbot run` in HTTP mode as a subprocess (a fresh SQLite file in a temporary
directory, or a fresh PostgreSQL database created next to the one `--database-url` names and
dropped afterwards), with the Slack Web API pointed at a stub served by this process. Then,
from a separate process, fires N slash commands signed exactly as Slack signs them
(`/visit "<customer>" Met the CTO` and `/deal new "Deal i" customer:"Acme Corp" amount:10k`,
three to one, from a handful of users of one workspace) at concurrency C over keep-alive
connections, and reports:

- the acknowledgement latency (time to the HTTP 200) p50/p95/p99/max and acks per second;
- completion: every command's reply, in its acknowledgement (salesbot answers there when
  the command is done within 2 s) or POSTed to its response_url on the stub; commands fully
  processed per second and the latency to the reply;
- exactly once: the database holds exactly the expected visits and deals, and every
  command was answered exactly once, without an error;
- the same load against a bare Bolt app whose /visit and /deal handlers only ack, served by
  the same WSGI server (waitress, bot.server.make_server), and the ratios.

Usage (from the repository root):

    .venv/bin/python bench/commands.py                          # SQLite, 400 requests, C=16
    .venv/bin/python bench/commands.py -c 1 16 --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test

It is a benchmark, not a test: goals are printed PASS/FAIL and the exit status is 0 unless
something broke (a server did not start, a request failed, the run timed out).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import math
import os
import queue
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# Run as `python bench/commands.py`, this file's folder comes first on sys.path, and this
# module would shadow salesbot's own `commands` package: put the repository root there instead.
_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _ROOT / "bench":
    sys.path[0] = str(_ROOT)
elif str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

TEAM_ID = "T0BENCH"
CHANNEL_ID = "C0BENCH"
CUSTOMERS = ("Acme Corp", "Globex", "Initech", "Umbrella Corp", "Stark Industries")
TIMEZONES = ("Asia/Shanghai", "America/Los_Angeles", "Europe/Berlin", "UTC", "Asia/Tokyo")
DEAL_EVERY = 4  # every 4th command is a /deal new, the rest are /visit
GOAL_P99_MS = 250.0
GOAL_CONCURRENCY = 16
GOAL_THROUGHPUT_RATIO = 0.5

Job = tuple[str, str, str, str]  # key, user id, command, text
# key, HTTP status (0: no answer), sent, secs, error, the reply's text in the acknowledgement
Result = tuple[str, int, float, float, str, str]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the load: signed slash commands over keep-alive connections ------------------------


def sign(secret: str, body: str, ts: int) -> str:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body})."""
    base = f"v0:{ts}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(job: Job, stub_base: str) -> str:
    key, user, command, text = job
    return urlencode({
        "token": "legacy", "team_id": TEAM_ID, "team_domain": "bench",
        "channel_id": CHANNEL_ID, "channel_name": "sales", "user_id": user,
        "user_name": user.lower(), "command": command, "text": text,
        "api_app_id": "A0BENCH", "is_enterprise_install": "false",
        "response_url": f"{stub_base}/response/{key}",
        "trigger_id": f"{key}.{uuid.uuid4().hex}",
    })


def fire(port: int, secret: str, stub_base: str, jobs: Sequence[Job], concurrency: int,
         label: str = "") -> list[Result]:
    """Send every job at `concurrency` (one keep-alive connection per thread)."""
    results: list[Result] = []
    lock = threading.Lock()
    pending = iter(jobs)
    threads_n = max(1, min(concurrency, len(jobs)))
    start = threading.Barrier(threads_n + 1)

    def worker() -> None:
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn: http.client.HTTPConnection | None = first
        try:
            first.connect()  # before the clock starts; a failure shows on the first request
        except OSError:
            first.close()
            conn = None
        start.wait()
        while True:
            with lock:
                job = next(pending, None)
            if job is None:
                break
            body = command_body(job, stub_base).encode()
            ts = int(time.time())  # Slack signs with the current time; Bolt checks it
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Slack-Request-Timestamp": str(ts),
                       "X-Slack-Signature": sign(secret, body.decode(), ts)}
            sent = time.monotonic()
            status, error, reply = 0, "", ""
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("POST", "/slack/events", body=body, headers=headers)
                resp = conn.getresponse()
                answer = resp.read()
                status = resp.status
                if status == 200 and answer.startswith(b"{"):  # the reply came with the ack
                    reply = str(json.loads(answer).get("text", ""))
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                if conn is not None:
                    conn.close()
                conn = None
            took = time.monotonic() - sent
            with lock:
                results.append((job[0], status, sent, took, error, reply))
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(threads_n)]
    for t in threads:
        t.start()
    start.wait()
    began = last = time.monotonic()
    for t in threads:
        while t.is_alive():
            t.join(timeout=0.5)
            if label and time.monotonic() - last >= 2:
                last = time.monotonic()
                with lock:
                    done = len(results)
                log(f"{label}: {done}/{len(jobs)} acknowledged after {last - began:.0f}s")
    return results


def _loader_main(port: int, secret: str, stub_base: str, jobs: list[Job], concurrency: int,
                 label: str, out: Any) -> None:
    """The load generator's process: fire everything, send the results and the CPU time
    it took back."""
    cpu = time.process_time()
    results = fire(port, secret, stub_base, jobs, concurrency, label)
    out.put((results, time.process_time() - cpu))


def fire_from_process(port: int, secret: str, stub_base: str, jobs: list[Job],
                      concurrency: int, label: str,
                      children: list[Any]) -> tuple[list[Result], float]:
    """Run `fire` in a separate process, so the client's CPU is not the bench's; the
    results and the CPU seconds the load generator used."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_loader_main, daemon=True, name="bench-load",
                       args=(port, secret, stub_base, jobs, concurrency, label, out))
    proc.start()
    children.append(proc)
    try:
        while True:
            try:
                results, cpu_s = out.get(timeout=1)
                break
            except queue.Empty:
                if not proc.is_alive():
                    raise RuntimeError(
                        f"the load process died (exit code {proc.exitcode})") from None
        proc.join(timeout=30)
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
        children.remove(proc)
    return results, cpu_s


def make_jobs(prefix: str, n: int, users: Sequence[str]) -> list[Job]:
    jobs: list[Job] = []
    for i in range(n):
        key, user = f"{prefix}-{i}", users[i % len(users)]
        if i % DEAL_EVERY == DEAL_EVERY - 1:
            jobs.append((key, user, "/deal",
                         f'new "Deal {prefix}-{i}" customer:"{CUSTOMERS[0]}" amount:10k'))
        else:
            jobs.append((key, user, "/visit", f'"{CUSTOMERS[i % len(CUSTOMERS)]}" Met the CTO'))
    return jobs


def warmup_jobs(prefix: str, users: Sequence[str]) -> list[Job]:
    """One visit per user and customer, one at a time: registers every user and creates
    every customer before the load, so the load only logs visits and deals."""
    n = max(len(users), len(CUSTOMERS))
    return [(f"{prefix}-{j}", users[j % len(users)], "/visit",
             f'"{CUSTOMERS[j % len(CUSTOMERS)]}" Warm-up call') for j in range(n)]


# --- figures --------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Phase:
    """One load against one server."""

    name: str
    concurrency: int
    results: list[Result]
    replies: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    server_cpu_s: float = math.nan  # CPU the server process used from start to last reply
    workers_cpu_s: float = math.nan  # of which its child processes (command workers)
    client_cpu_s: float = math.nan  # CPU the load generator used
    database_cpu_s: float = math.nan  # CPU PostgreSQL used meanwhile, when on this machine

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu_s * 1000 / len(self.results)

    @property
    def workers_cpu_ms_per_request(self) -> float:
        return self.workers_cpu_s * 1000 / len(self.results)

    @property
    def client_cpu_ms_per_request(self) -> float:
        return self.client_cpu_s * 1000 / len(self.results)

    @property
    def database_cpu_ms_per_request(self) -> float:
        return self.database_cpu_s * 1000 / len(self.results)

    @property
    def ok(self) -> list[Result]:
        return [r for r in self.results if r[1] == 200]

    @property
    def failed(self) -> Counter[str]:
        return Counter(str(r[1]) if r[1] else r[4].split(":")[0]
                       for r in self.results if r[1] != 200)

    def ack_ms(self, p: float) -> float:
        return percentile(sorted(r[3] * 1000 for r in self.ok), p)

    @property
    def started(self) -> float:
        return min(r[2] for r in self.results)

    @property
    def acked_per_s(self) -> float:
        ok = self.ok
        if not ok:
            return 0.0
        wall = max(r[2] + r[3] for r in ok) - self.started
        return len(ok) / wall if wall > 0 else math.inf

    @property
    def completed_per_s(self) -> float:
        if not self.replies:
            return math.nan
        wall = max(v[0][0] for v in self.replies.values()) - self.started
        return len(self.replies) / wall if wall > 0 else math.inf

    def add_replies(self, posted: dict[str, list[tuple[float, str]]]) -> None:
        """Every command's replies: in its acknowledgement, and `posted` to response URLs."""
        self.replies = {r[0]: [(r[2] + r[3], r[5])] for r in self.ok if r[5]}
        for key, got in posted.items():
            self.replies[key] = sorted(self.replies.get(key, []) + got)

    def completion_ms(self, p: float) -> float:
        sent = {r[0]: r[2] for r in self.results}
        return percentile(sorted((v[0][0] - sent[k]) * 1000 for k, v in self.replies.items()),
                          p)


def fmt(x: float, digits: int = 1) -> str:
    return "-" if math.isnan(x) else f"{x:,.{digits}f}"


def print_table(db_label: str, n: int, users: int, app: Phase, bare: Phase | None) -> None:
    visits = sum(1 for i in range(n) if i % DEAL_EVERY != DEAL_EVERY - 1)
    print(f"\n== {db_label}: {n} requests ({visits} /visit, {n - visits} /deal new), "
          f"{users} users, concurrency {app.concurrency} ==")
    rows: list[tuple[str, Callable[[Phase], float], int, bool]] = [
        ("ack p50 (ms)", lambda p: p.ack_ms(50), 1, False),
        ("ack p95 (ms)", lambda p: p.ack_ms(95), 1, False),
        ("ack p99 (ms)", lambda p: p.ack_ms(99), 1, True),
        ("ack max (ms)", lambda p: p.ack_ms(100), 1, False),
        ("acknowledged / s", lambda p: p.acked_per_s, 1, True),
        ("completed / s", lambda p: p.completed_per_s, 1, False),
        ("reply p50 (ms)", lambda p: p.completion_ms(50), 1, False),
        ("reply p99 (ms)", lambda p: p.completion_ms(99), 1, False),
        ("server CPU ms / req", lambda p: p.cpu_ms_per_request, 2, True),
    ]
    if app.workers_cpu_s > 0:
        rows.append(("  in workers", lambda p: p.workers_cpu_ms_per_request, 2, False))
    rows.append(("load gen CPU ms/req", lambda p: p.client_cpu_ms_per_request, 2, False))
    if db_label.startswith("PostgreSQL") and not math.isnan(app.database_cpu_ms_per_request):
        rows.append(("PostgreSQL CPU ms/req", lambda p: p.database_cpu_ms_per_request, 2, False))
    print(f"{'':20} {'salesbot':>12} {'bare Bolt':>12} {'ratio':>8}")
    for label, get, digits, ratio in rows:
        a = get(app)
        b = get(bare) if bare is not None and not label.startswith(("completed", "reply")) \
            else math.nan
        r = a / b if ratio and b and not math.isnan(b) else math.nan
        print(f"{label:20} {fmt(a, digits):>12} {fmt(b, digits):>12} {fmt(r, 2):>8}")
    for phase in (app, bare):
        if phase is not None and phase.failed:
            print(f"  {phase.name}: not acknowledged with 200: {dict(phase.failed)}")


def print_goals(rounds: Sequence[tuple[Phase, Phase | None]]) -> None:
    """The goals, over every round at one concurrency: the ack p99 over all of salesbot's
    acks, the throughput ratio of each round (salesbot, then the bare app right after it)
    and their median."""
    app = rounds[0][0]
    note = "" if app.concurrency == GOAL_CONCURRENCY else \
        f" (the goal is set at concurrency {GOAL_CONCURRENCY}; shown for reference)"
    every_ack = Phase(app.name, app.concurrency, [r for a, _ in rounds for r in a.results])
    p99 = every_ack.ack_ms(99)
    verdict = "PASS" if p99 < GOAL_P99_MS else "FAIL"
    over = f" over {len(rounds)} rounds" if len(rounds) > 1 else ""
    print(f"goal: ack p99 < {GOAL_P99_MS:.0f} ms: {fmt(p99)} ms{over} -> {verdict}{note}")
    paired = [(a, b) for a, b in rounds if b is not None and b.acked_per_s]
    if not paired:
        return
    # Judged on commands completed (reply delivered), not only acknowledged: a command
    # answered late is acknowledged before its work is done, and acks alone could outrun
    # the work.
    done = sorted(a.completed_per_s / b.acked_per_s for a, b in paired)
    acked = sorted(a.acked_per_s / b.acked_per_s for a, b in paired)
    done_ratio, ratio = statistics.median(done), statistics.median(acked)
    verdict = "PASS" if done_ratio >= GOAL_THROUGHPUT_RATIO else "FAIL"
    spread = "" if len(done) == 1 else \
        f" (median of {len(done)} rounds: {', '.join(fmt(x, 2) for x in done)})"
    print(f"goal: throughput >= {GOAL_THROUGHPUT_RATIO:.0%} of the bare app's: completed "
          f"{fmt(done_ratio, 2)}x{spread} -> {verdict} (acknowledged {fmt(ratio, 2)}x){note}")


# --- processes ------------------------------------------------------------------------------


def _proc_stat(pid: int | str) -> tuple[str, list[str]]:
    """(command name, the fields after it) of /proc/<pid>/stat."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.index("(") + 1:raw.rindex(")")], raw.rpartition(")")[2].split()


def postgres_cpu_seconds() -> float:
    """CPU time so far of a PostgreSQL server running on this machine: the postmaster and
    its live processes (one per connection), plus those that already exited (reaped by the
    postmaster). NaN when there is none, or /proc cannot tell (not Linux, another user)."""
    try:
        servers = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with suppress(OSError):
                name, fields = _proc_stat(entry.name)
                if name == "postgres" and _proc_stat(fields[1])[0] != "postgres":
                    servers.append(entry.name)
        if len(servers) != 1:
            return math.nan
        tick = os.sysconf("SC_CLK_TCK")
        _, fields = _proc_stat(servers[0])
        total = sum(int(f) for f in fields[11:15]) / tick  # its own, and reaped children's
        for task in Path(f"/proc/{servers[0]}/task").iterdir():
            for child in (task / "children").read_text().split():
                with suppress(OSError):
                    total += sum(int(f) for f in _proc_stat(child)[1][11:13]) / tick
        return total
    except (OSError, ValueError, IndexError):
        return math.nan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def cpu_split(self) -> tuple[float, float]:
        """CPU seconds so far of the server process itself, and of the processes it
        started (salesbot's command workers, their CPU counted even after they exit only
        while they run); NaN, NaN where /proc is missing."""
        own, total, pending, seen = math.nan, 0.0, [self.proc.pid], set()
        try:
            while pending:
                pid = pending.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                stat = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
                if pid == self.proc.pid:
                    own = total
                for task in Path(f"/proc/{pid}/task").iterdir():
                    children = (task / "children").read_text().split()
                    pending.extend(int(c) for c in children)
        except (OSError, ValueError, IndexError):
            return math.nan, math.nan
        return own, total - own

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   f"{self.tail()}")
            with suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout:.0f}s:\n"
                           f"{self.tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # salesbot run stops cleanly on Ctrl+C
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()


def start_server(name: str, argv: list[str], env: dict[str, str], port: int, workdir: Path,
                 servers: list[Server]) -> Server:
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as fh:
        try:
            proc = subprocess.Popen(argv, env=env, cwd=workdir, stdout=fh,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise RuntimeError(f"could not start {name} ({shlex.join(argv)}): {exc}") from None
    server = Server(name, proc, port, log_path)
    servers.append(server)
    return server


def salesbot_argv() -> list[str]:
    script = Path(sys.executable).with_name("salesbot")
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-c", "from bot.cli import main; main()", "run"]


def server_env(extra: dict[str, str]) -> dict[str, str]:
    dropped = ("SLACK_APP_TOKEN", "DATABASE_URL", "PORT")
    env = {k: v for k, v in os.environ.items()
           if k not in dropped and not k.startswith("SALESBOT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def server_log_summary(server: Server) -> str:
    text = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
    counts = {
        "errors": sum(1 for line in text.splitlines() if " ERROR " in line),
        "waitress queue-depth warnings": text.count("Task queue depth"),
        "missed 3 s ack": text.count("did not call ack"),
        "duplicate deliveries": text.count("duplicate delivery"),
    }
    return ", ".join(f"{k}: {v}" for k, v in counts.items())


# --- the database ---------------------------------------------------------------------------


@contextmanager
def bench_database(admin_url: str | None, workdir: Path) -> Iterator[tuple[str, str]]:
    """A fresh database for the run: (url, label). PostgreSQL: a new database next to the
    one `admin_url` names (used only to CREATE and DROP it), dropped afterwards."""
    if not admin_url:
        yield f"sqlite:///{workdir / 'bench.db'}", "SQLite"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"salesbot_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as exc:
        raise RuntimeError(f"could not create a database next to {admin_url}: "
                           f"{getattr(exc, 'orig', None) or exc}") from None
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    log(f"created PostgreSQL database {name}")
    try:
        yield url, f"PostgreSQL ({name}, dropped afterwards)"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        log(f"dropped PostgreSQL database {name}")


def count_rows(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, func, select

    from storage.models import Activity, Customer, Deal, Member

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            def n(stmt: Any) -> int:
                return int(conn.execute(stmt).scalar_one())

            return {
                "visits": n(select(func.count()).select_from(Activity)),
                "deals": n(select(func.count()).select_from(Deal)),
                "deal numbers": n(select(func.count(func.distinct(Deal.number)))),
                "customers": n(select(func.count()).select_from(Customer)),
                "members": n(select(func.count()).select_from(Member)),
            }
    finally:
        engine.dispose()


def check_exactly_once(url: str, sent: Iterable[Job], phases: Sequence[Phase]) -> list[str]:
    """Problems found: database counts against what was sent, and replies per command."""
    jobs = list(sent)
    named = {CUSTOMERS[0] if j[2] == "/deal" else j[3].split('"')[1] for j in jobs}
    expected = {"visits": sum(1 for j in jobs if j[2] == "/visit"),
                "deals": sum(1 for j in jobs if j[2] == "/deal"),
                "customers": len(named), "members": len({j[1] for j in jobs})}
    expected["deal numbers"] = expected["deals"]
    got = count_rows(url)
    problems = [f"{k}: expected {v}, the database holds {got[k]}"
                for k, v in expected.items() if got[k] != v]
    for phase in phases:
        missing = len(phase.results) - len(phase.replies)
        twice = sum(1 for v in phase.replies.values() if len(v) > 1)
        errors = [v[0][1] for v in phase.replies.values()
                  if v[0][1].startswith((":warning:", ":x:"))]
        if missing:
            problems.append(f"{phase.name}: {missing} commands got no reply")
        if twice:
            problems.append(f"{phase.name}: {twice} commands were answered more than once")
        if errors:
            problems.append(f"{phase.name}: {len(errors)} error replies, e.g. {errors[0]!r}")
    return problems


# --- the run --------------------------------------------------------------------------------


def run_phase(name: str, server: Server, stub: Any, secret: str, jobs: list[Job],
              concurrency: int, children: list[Any], *, replies: bool,
              timeout: float) -> Phase:
    label = f"{name} c={concurrency}"
    log(f"{label}: firing {len(jobs)} requests")
    (own_before, kids_before), db_cpu_before = server.cpu_split(), postgres_cpu_seconds()
    results, client_cpu_s = fire_from_process(server.port, secret,
                                              f"http://127.0.0.1:{stub.port}", jobs,
                                              concurrency, label, children)
    phase = Phase(name, concurrency, results)
    if server.proc.poll() is not None:
        raise RuntimeError(f"{server.name} died during the run:\n{server.tail()}")
    if replies:
        keys = {j[0] for j in jobs} - {r[0] for r in results if r[5]}  # not answered in the ack
        deadline = time.monotonic() + timeout
        while not stub.wait_replied(keys, timeout=2):
            done = stub.count_replied(keys)
            if time.monotonic() > deadline or server.proc.poll() is not None:
                log(f"{label}: gave up waiting: {done}/{len(keys)} replies")
                break
            log(f"{label}: {done}/{len(keys)} commands replied")
        time.sleep(0.2)  # let a late duplicate reply, if any, arrive
        phase.add_replies(stub.snapshot({j[0] for j in jobs}))
    own, kids = server.cpu_split()
    phase.server_cpu_s = own + kids - own_before - kids_before
    phase.workers_cpu_s = kids - kids_before
    phase.client_cpu_s = client_cpu_s
    phase.database_cpu_s = postgres_cpu_seconds() - db_cpu_before
    return phase


def warm_up(server: Server, stub: Any, secret: str, jobs: list[Job], timeout: float) -> Phase:
    """Send `jobs` strictly one after another: each only once the previous one replied.

    (Bolt acks before the work is done, so waiting for the ack alone would let the next
    command run alongside the previous one.)"""
    results: list[Result] = []
    for job in jobs:
        results += fire(server.port, secret, f"http://127.0.0.1:{stub.port}", [job], 1)
        if not results[-1][5] and not stub.wait_replied({job[0]}, timeout=timeout):
            raise RuntimeError(f"no reply to the warm-up command {job[2]} {job[3]}:\n"
                               f"{server.tail()}")
    phase = Phase("warm-up", 1, results)
    phase.add_replies(stub.snapshot({j[0] for j in jobs}))
    return phase


def serve_bare(port: int, secret: str) -> None:
    """A Bolt app whose /visit and /deal only ack, on the same WSGI server as salesbot
    (waitress with bot.server.HTTP_THREADS threads)."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.server import make_server

    api_url = os.environ.get("SLACK_API_URL")
    client = WebClient(token="xoxb-bench", base_url=api_url) if api_url else \
        WebClient(token="xoxb-bench")
    app = App(signing_secret=secret, client=client, process_before_response=False)

    def only_ack(ack: Ack) -> None:
        ack()

    app.command("/visit")(only_ack)
    app.command("/deal")(only_ack)
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    server = make_server(wsgi, port=port)
    print(f"bare Bolt app listening on {port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def bench(args: argparse.Namespace) -> None:
    """Set up the stub, the database and the servers; run the loads; always clean up:
    the load process and the servers first, then the database, then the directory."""
    from bench._slack_stub import BenchSlackStub

    workdir = Path(tempfile.mkdtemp(prefix="salesbot-bench-"))
    servers: list[Server] = []
    children: list[Any] = []
    try:
        with BenchSlackStub(TEAM_ID, args.response_delay_ms / 1000) as stub, \
                bench_database(args.database_url, workdir) as (url, db_label):
            try:
                run_loads(args, stub, url, db_label, workdir, servers, children)
            finally:
                for child in children:
                    if child.is_alive():
                        child.terminate()
                        child.join(timeout=5)
                for server in servers:
                    server.stop()
    finally:
        if args.keep:
            log(f"kept {workdir} (server logs, SQLite database)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run_loads(args: argparse.Namespace, stub: Any, url: str, db_label: str, workdir: Path,
              servers: list[Server], children: list[Any]) -> None:
    secret = secrets.token_hex(16)
    users = [f"U0BENCH{i:02d}" for i in range(1, args.users + 1)]
    for i, user in enumerate(users):
        stub.add_user(user, f"Rep {i + 1}", TIMEZONES[i % len(TIMEZONES)])
    stub_base = f"http://127.0.0.1:{stub.port}"
    common = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": secret,
              "SLACK_API_URL": stub.api_url}

    port = free_port()
    log(f"starting salesbot run on port {port} ({db_label})")
    # the server runs in the temporary directory: make paths relative to here absolute
    argv = [str(Path(a).absolute()) if "/" in a and Path(a).exists() else a
            for a in shlex.split(args.salesbot_command)] if args.salesbot_command \
        else salesbot_argv()
    app_server = start_server(
        "salesbot", argv, server_env({**common, "PORT": str(port), "DATABASE_URL": url}),
        port, workdir, servers)
    app_server.wait_healthy(args.start_timeout)
    mode = [line for line in app_server.tail(50).splitlines() if "slash commands" in line]
    if mode:  # e.g. "Answering slash commands in 1 worker process (SALESBOT_COMMAND_WORKERS)."
        log(f"salesbot: {mode[-1].strip()}")
    bare_server: Server | None = None
    if not args.no_bare:
        port = free_port()
        log(f"starting the bare Bolt app on port {port}")
        bare_server = start_server(
            "bare", [sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(port),
                     secret], server_env(common), port, workdir, servers)
        bare_server.wait_healthy(args.start_timeout)

    sent: list[Job] = []
    phases: list[Phase] = []
    if not args.no_warmup:
        warm = warmup_jobs("warm", users)
        log(f"warm-up: {len(warm)} commands, each after the previous one's reply "
            "(registers the workspace, users and customers)")
        phases.append(warm_up(app_server, stub, secret, warm, args.timeout))
        sent += warm
        if bare_server is not None:
            fire(bare_server.port, secret, stub_base, warmup_jobs("bare-warm", users), 1)
    broken = any(p.failed for p in phases)
    for c in args.concurrency:
        rounds: list[tuple[Phase, Phase | None]] = []
        for r in range(1, args.rounds + 1):
            tag = f"c{c}" if args.rounds == 1 else f"c{c}-r{r}"
            jobs = make_jobs(tag, args.requests, users)
            app_phase = run_phase("salesbot", app_server, stub, secret, jobs, c, children,
                                  replies=True, timeout=args.timeout)
            sent += jobs
            phases.append(app_phase)
            bare_phase = None
            if bare_server is not None:
                bare_phase = run_phase("bare", bare_server, stub, secret,
                                       make_jobs(f"bare-{tag}", args.requests, users), c,
                                       children, replies=False, timeout=args.timeout)
            rounds.append((app_phase, bare_phase))
            if args.rounds > 1:
                print(f"\n-- round {r} of {args.rounds} --", end="")
            print_table(db_label, args.requests, len(users), app_phase, bare_phase)
            broken |= bool(app_phase.failed) or bool(bare_phase and bare_phase.failed)
        problems = check_exactly_once(url, sent, phases)
        print("exactly once: ok" if not problems else
              "exactly once: MISMATCH\n  " + "\n  ".join(problems))
        print_goals(rounds)
        broken |= bool(problems)
        sys.stdout.flush()
    app_server.stop()
    print(f"salesbot log: {server_log_summary(app_server)}")
    for line in app_server.log_path.read_text(errors="replace").splitlines():
        if line.startswith("[timing]"):  # from bench/timed_salesbot.py
            print(line)
    from bot.server import HTTP_THREADS

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs shared by the load "
          "generator, the stub, the servers (and PostgreSQL); both apps on waitress with "
          f"{HTTP_THREADS} threads")
    if broken:
        raise SystemExit(1)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark salesbot's slash commands over HTTP (signed like Slack) "
                    "against a bare Bolt app on the same WSGI server.",
        epilog="Goals: ack p99 < 250 ms at concurrency 16; commands completed per second >= "
               "half the bare app's acknowledgements per second. salesbot run inherits the "
               "environment, so SALESBOT_COMMAND_WORKERS=0 measures it answering commands "
               "in its web process. Exit status 0 unless something broke.")
    parser.add_argument("-n", "--requests", type=int, default=400,
                        help="requests per concurrency level (default 400)")
    parser.add_argument("-c", "--concurrency", type=int, nargs="+", default=[16],
                        help="concurrency levels, each a separate load (default 16)")
    parser.add_argument("--database-url", metavar="URL",
                        help="PostgreSQL server to run on, e.g. postgresql+psycopg://"
                             "postgres@127.0.0.1:5432/test: a fresh database is created next "
                             "to the one named and dropped afterwards (default: a SQLite file "
                             "in a temporary directory)")
    parser.add_argument("--users", type=int, default=5, help="Slack users sending (default 5)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds to wait for every reply after the load (default 300)")
    parser.add_argument("--start-timeout", type=float, default=60,
                        help="seconds to wait for /healthz (default 60)")
    parser.add_argument("--response-delay-ms", type=float, default=0, metavar="MS",
                        help="the stub answers each response_url POST after MS ms, like "
                             "Slack over the internet (default 0: a local stub)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds per concurrency level, each salesbot's load then the "
                        "bare app's; the throughput goal is judged on the median of the "
                        "rounds' ratios (default 1; use 5 or more on a shared machine, "
                        "whose speed drifts from minute to minute)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Bolt app")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the warm-up: the workspace, users and customers are then "
                             "first seen under load, concurrently")
    parser.add_argument("--salesbot-command", metavar="CMD",
                        help="command line that runs `salesbot run` (default: the salesbot "
                             "script next to this Python), e.g. to run it under a profiler")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (server logs, SQLite file)")
    parser.add_argument("--serve-bare", nargs=2, metavar=("PORT", "SECRET"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.users < 1 or min(args.concurrency) < 1 or args.rounds < 1:
        parser.error("--requests, --users, --concurrency and --rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.serve_bare:
        serve_bare(int(args.serve_bare[0]), args.serve_bare[1])
        return

    def terminated(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    # Started in the background by a shell, SIGINT comes ignored, and the servers would
    # inherit that and not stop on it: handle it here, so they get the default again.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        bench(args)
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        raise SystemExit(130) from None
    except RuntimeError as exc:
        log(f"failed: {exc}")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
