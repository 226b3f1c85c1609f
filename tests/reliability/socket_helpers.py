"""A `salesbot run` process in Socket Mode, connected to local stand-ins for Slack."""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass, field

from tests.reliability.socket_stub import SocketModeStub
from tests.slack_stub import SlackStub

START_S = 60  # migrating a fresh PostgreSQL database on a busy machine takes a while


@dataclass
class Salesbot:
    """A `salesbot run` process connected to the stand-ins; its output, line by line."""

    slack: SlackStub
    socket_mode: SocketModeStub
    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _triggers: int = 0

    def read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def wait_line(self, pattern: str, timeout: float = 10) -> None:
        with self._cond:
            assert self._cond.wait_for(
                lambda: any(re.search(pattern, x) for x in self.lines), timeout=timeout), \
                "".join(self.lines)

    def visit(self, user: str, text: str, *, trigger: str | None = None,
              connection: int | None = None) -> str:
        """Send `/visit text` as `user`; returns the envelope's id."""
        self._triggers += 1
        trigger = trigger or f"{self._triggers}.trigger"
        return self.socket_mode.send(self.socket_mode.slash_command(
            user, "/visit", text, trigger=trigger,
            response_url=self.slack.response_url(self._triggers)), connection)
