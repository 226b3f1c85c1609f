"""`salesbot run` with per-stage timings, to see where a slash command's time goes.

Run it through the benchmark:

    .venv/bin/python bench/commands.py --no-bare \\
        --salesbot-command ".venv/bin/python bench/timed_salesbot.py"

For every request it measures wall and thread CPU time of: the request thread (Bolt's
middleware, signature check, then waiting for a listener thread to call ack()); the listener
(waiting for the command's answer, then ack() with it); the command's transaction, which
runs on a thread of its own; a POST to response_url (only for a reply not ready within
2 s); and on SQLite the wait for the write lock (BEGIN IMMEDIATE). On exit it prints
a summary, with lines starting "[timing]", which bench/commands.py shows. With
`--cprofile FILE` it also profiles every listener call on thread CPU time (cProfile, slow:
expect several times the CPU) and writes the aggregated stats to FILE.

Commands run in this process (`--command-workers 0`): the stages are timed here.
This monkeypatches Bolt, SQLAlchemy and bot.dispatch in this process only; it is an
investigation tool, not part of salesbot.
"""

from __future__ import annotations

import atexit
import cProfile
import pstats
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _ROOT / "bench":
    sys.path[0] = str(_ROOT)  # else bench/commands.py would shadow salesbot's `commands`

_lock = threading.Lock()
_wall: dict[str, list[float]] = defaultdict(list)
_cpu: dict[str, list[float]] = defaultdict(list)
_profile: list[pstats.Stats] = []

REQUEST = "1 request thread: Bolt middleware, then waiting for ack()"
LISTENER = "2 listener thread: waiting for the command's answer, then ack() with it"
EXECUTE = "2a   the command's transaction, on a command thread (bot.dispatch.execute_args)"
BEGIN = "2a.i   BEGIN IMMEDIATE (SQLite: waiting for the write lock)"
COMMIT = "2a.ii  COMMIT"
RESPOND = "2b   respond(): POST to response_url (a reply not ready within 2 s)"


def _timed(kind: str, fn: Callable[..., Any], profile: bool = False) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        prof = cProfile.Profile(time.thread_time) if profile else None
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            return prof.runcall(fn, *args, **kwargs) if prof else fn(*args, **kwargs)
        finally:
            wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
            with _lock:
                _wall[kind].append(wall)
                _cpu[kind].append(cpu)
                if prof is not None:
                    if _profile:
                        _profile[0].add(prof)
                    else:
                        _profile.append(pstats.Stats(prof))

    return wrapper


def _patch_method(cls: Any, name: str, kind: str, profile: bool = False) -> None:
    original = getattr(cls, name)

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _timed(kind, original, profile)(self, *args, **kwargs)

    setattr(cls, name, method)


def install(cprofile: bool) -> None:
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_bolt.context.respond.respond import Respond
    from slack_bolt.listener.custom_listener import CustomListener
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

    import bot.dispatch

    _patch_method(SlackRequestHandler, "__call__", REQUEST)
    _patch_method(CustomListener, "run_ack_function", LISTENER, cprofile)
    _patch_method(Respond, "__call__", RESPOND)
    _patch_method(Session, "commit", COMMIT)
    bot.dispatch.execute_args = _timed(EXECUTE, bot.dispatch.execute_args)
    exec_driver_sql = Connection.exec_driver_sql

    def timed_sql(self: Connection, statement: str, *args: Any, **kwargs: Any) -> Any:
        if statement == "BEGIN IMMEDIATE":
            return _timed(BEGIN, exec_driver_sql)(self, statement, *args, **kwargs)
        return exec_driver_sql(self, statement, *args, **kwargs)

    Connection.exec_driver_sql = timed_sql  # type: ignore[method-assign]


def summary() -> list[str]:
    lines = []
    with _lock:
        for kind in sorted(_wall):
            wall = sorted(_wall[kind])
            cpu = _cpu[kind]
            n = len(wall)
            lines.append(
                f"[timing] {kind}: n={n}, wall mean {sum(wall) / n * 1000:.2f} ms, "
                f"p50 {wall[n // 2] * 1000:.2f}, p99 {wall[min(n - 1, int(n * 0.99))] * 1000:.2f};"
                f" thread CPU mean {sum(cpu) / n * 1000:.2f} ms")
    return lines


def main() -> None:
    args = sys.argv[1:]
    out: str | None = None
    if args[:1] == ["--cprofile"] and len(args) == 2:
        out = args[1]
    elif args:
        sys.exit("usage: timed_salesbot.py [--cprofile FILE]")
    install(cprofile=out is not None)

    def report() -> None:
        for line in summary():
            print(line, flush=True)
        if out and _profile:
            _profile[0].dump_stats(out)
            print(f"[timing] cProfile (thread CPU) of the listeners written to {out}", flush=True)

    atexit.register(report)
    from bot.cli import cli

    # The timings are taken in this process, so commands must run here, not in a worker.
    cli(["run", "--command-workers", "0"])


if __name__ == "__main__":
    main()
