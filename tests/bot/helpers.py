"""Shared by the tests of bot/ and the reliability tests: how a `salesbot run` is started
against a stub Slack, and a monotonic clock that only moves when slept on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SALESBOT_RUN = [sys.executable, "-c", "from bot.cli import main; main()", "run"]
HANG_S = 60  # a `salesbot run` still going after this long is killed: the test fails


@dataclass
class Running:
    """A `salesbot run` in HTTP mode: its process, port, and what it printed until then."""

    proc: subprocess.Popen[str]
    port: int
    seen: list[str]


@contextmanager
def salesbot_running(env: dict[str, str], cwd: Path) -> Iterator[Running]:
    """Start `salesbot run` and wait until it listens; kill it at the end if still running
    (a hang fails the test, not the test run)."""
    proc = subprocess.Popen(SALESBOT_RUN, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    watchdog = threading.Timer(HANG_S, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if listening := re.search(r"listening on http://0\.0\.0\.0:(\d+)/", line):
                break
        else:
            raise AssertionError("salesbot run exited:\n" + "".join(seen))
        yield Running(proc, int(listening.group(1)), seen)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def salesbot_env(api_url: str, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a `salesbot run` against a stub Slack, and nothing of ours."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "SALESBOT_")) and k not in ("DATABASE_URL", "PORT")}
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": api_url, "PORT": "0", "DATABASE_URL": database_url,
        "SALESBOT_COMMAND_WORKERS": "0",
    })
    env.update(settings)
    return env


class FakeTime:
    """A monotonic clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
