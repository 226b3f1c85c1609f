"""One bot instance for the two-instance test: a Ticker with the default sources on a shared
database, ticking at the simulated moments it is told on stdin, recording what it posts.

    python -m tests.reliability.day_worker DATABASE_URL RECORD_FILE NAME

Reads lines `tick <ISO datetime>` (answers `ok <sent count>` once the tick is done, or
`error ...`) and `quit`. Each post is one JSON line in RECORD_FILE: the instance, the
channel, the thread, the ts it was given, the message's type and a fingerprint of its
content.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from datetime import datetime
from typing import IO

from jobs.sources import default_sources
from jobs.ticker import Ticker
from storage.db import make_engine, make_session_factory


class FileNotifier:
    """Posts nothing; writes each post as a JSON line (flushed: the test reads it after)."""

    def __init__(self, out: IO[str], name: str) -> None:
        self.out = out
        self.name = name
        self.count = 0

    def dm_channel(self, user_id: str) -> str:
        return f"D{user_id}"

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        self.count += 1
        ts = f"{self.name}.{self.count:06d}"
        self.out.write(json.dumps({
            "instance": self.name, "to": to, "thread_ts": thread_ts, "ts": ts,
            "type": type(message).__name__,
            "content": hashlib.sha256(repr(message).encode()).hexdigest()[:16],
            "about": about(message),
        }) + "\n")
        self.out.flush()
        return ts


def about(message: object) -> str:
    """Who or what a message is about, to tell messages of one type apart in a failure."""
    for path in ("person.user_id", "answer.person.user_id", "summary.day", "filename",
                 "team_name"):
        value: object = message
        for attr in path.split("."):
            value = getattr(value, attr, None)
        if value is not None:
            return str(value)
    return ""


def main(url: str, record: str, name: str) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    engine = make_engine(url)
    with open(record, "a", encoding="utf-8") as out:
        ticker = Ticker(make_session_factory(engine), FileNotifier(out, name), default_sources())
        for line in sys.stdin:
            verb, _, arg = line.strip().partition(" ")
            if verb == "quit":
                break
            try:
                report = ticker.tick(datetime.fromisoformat(arg))
            except Exception as exc:  # the scheduler would log it; the test must hear of it
                print(f"error {type(exc).__name__}: {exc}".replace("\n", " "), flush=True)
                continue
            print(f"ok {len(report.sent)}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:4])
