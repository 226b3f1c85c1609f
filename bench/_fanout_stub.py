"""A stand-in for Slack's Web API for bench/fanout.py: conversations.open and chat.postMessage,
rate limited like Slack, in a process of its own, on a clock it shares with the benchmark.

A user's DM is `D<user id>`: conversations.open answers it, and chat.postMessage to a user id
(U...) posts there and answers with it, as Slack does, counting against that DM's limit.

Limits (token buckets; beyond them the answer is HTTP 429 with an integer Retry-After, as
Slack does):

- chat.postMessage: about one message per second per channel, with a small burst;
- optionally, chat.postMessage across the workspace ("several hundred messages per minute"
  in Slack's documentation) and conversations.open (Tier 3: "50+ per minute").

The clock is a double in shared memory that the benchmark advances (a virtual clock: the
notifier's sleeps add to it instead of sleeping), or the system's monotonic clock. Every
accepted post is recorded with the real and the clock's time; the benchmark reads the record
at GET /_bench/stats.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from urllib.request import urlopen


@dataclass(frozen=True)
class Limits:
    channel_interval: float = 1.0  # seconds per message, per channel
    channel_burst: int = 3
    workspace_per_minute: int = 0  # 0: no workspace-wide limit
    workspace_burst: int = 0  # 0: ten seconds' worth
    open_per_minute: int = 0  # conversations.open; 0: no limit
    open_burst: int = 0  # 0: ten seconds' worth


class Bucket:
    """A token bucket: `rate` tokens a second, at most `capacity`."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity = rate, max(capacity, 1.0)
        self.tokens, self.last = self.capacity, now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now), after refilling up to `now`."""
        if now > self.last:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class _State:
    def __init__(self, limits: Limits, clock: Any) -> None:
        self.limits = limits
        self.clock = clock  # a shared double (virtual seconds), or None: time.monotonic
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.to_user = 0  # chat.postMessage calls addressed to a user id, not a channel id
        self.limited: Counter[str] = Counter()
        self.retried_ok = 0  # accepted requests that had been answered 429 before
        self.was_limited: set[str] = set()
        self.channels: dict[str, Bucket] = {}
        self.workspace: Bucket | None = None
        self.opens: Bucket | None = None
        # channel, thread_ts, first 40 characters of the text, real time, clock time
        self.posts: list[tuple[str, str | None, str, float, float]] = []
        self.seq = 0

    def now(self) -> float:
        return float(self.clock.value) if self.clock is not None else time.monotonic()

    def _bucket(self, per_minute: int, burst: int, now: float) -> Bucket:
        rate = per_minute / 60
        return Bucket(rate, burst or rate * 10, now)

    def answer(self, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """(HTTP status, JSON body, Retry-After seconds or 0)."""
        limits = self.limits
        with self.lock:
            self.calls[method] += 1
            now = self.now()
            if method == "conversations.open":
                users = str(body.get("users", ""))
                if limits.open_per_minute:
                    if self.opens is None:
                        self.opens = self._bucket(limits.open_per_minute, limits.open_burst, now)
                    wait = self.opens.wait(now)
                    if wait:
                        return self._limited(method, f"open:{users}", wait)
                    self.opens.take()
                self._accepted(f"open:{users}")
                return 200, {"ok": True, "channel": {"id": f"D{users}"}}, 0
            if method == "chat.postMessage":
                channel = str(body.get("channel", ""))
                if channel[:1] in ("U", "W"):  # a user id: the app's DM with them
                    self.to_user += 1
                    channel = f"D{channel}"
                text = str(body.get("text", ""))
                key = f"post:{channel}:{body.get('thread_ts')}:{text}"
                bucket = self.channels.get(channel)
                if bucket is None:
                    bucket = self.channels[channel] = Bucket(
                        1 / limits.channel_interval, limits.channel_burst, now)
                waits = [bucket.wait(now)]
                if limits.workspace_per_minute:
                    if self.workspace is None:
                        self.workspace = self._bucket(limits.workspace_per_minute,
                                                      limits.workspace_burst, now)
                    waits.append(self.workspace.wait(now))
                if max(waits):
                    return self._limited(method, key, max(waits))
                bucket.take()
                if self.workspace is not None:
                    self.workspace.take()
                self._accepted(key)
                self.seq += 1
                ts = f"{1_780_000_000 + self.seq}.{self.seq % 1_000_000:06d}"
                thread = body.get("thread_ts")
                self.posts.append((channel, str(thread) if thread else None, text[:40],
                                   time.monotonic(), now))
                return 200, {"ok": True, "channel": channel, "ts": ts}, 0
            if method == "auth.test":
                return 200, {"ok": True, "team_id": "T0FANOUT", "user_id": "UBOT"}, 0
            return 200, {"ok": True}, 0

    def _limited(self, method: str, key: str, wait: float) -> tuple[int, dict[str, Any], float]:
        self.limited[method] += 1
        self.was_limited.add(key)
        return 429, {"ok": False, "error": "ratelimited"}, max(1, math.ceil(wait))

    def _accepted(self, key: str) -> None:
        if key in self.was_limited:
            self.was_limited.discard(key)
            self.retried_ok += 1

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {"calls": dict(self.calls), "limited": dict(self.limited),
                    "to_user": self.to_user,
                    "retried_ok": self.retried_ok, "posts": list(self.posts),
                    "limits": asdict(self.limits)}


def serve(limits: Limits, clock: Any, port_out: Any) -> None:
    """The stub process: serve until POST /_bench/stop."""
    state = _State(limits, clock)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: dict[str, Any], retry_after: float = 0) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if retry_after:
                self.send_header("Retry-After", str(int(retry_after)))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/_bench/stats":
                self._send(200, state.stats())
            else:
                self._send(404, {"ok": False})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.path == "/_bench/stop":
                self._send(200, {"ok": True})
                threading.Thread(target=server.shutdown, daemon=True).start()
                return
            if self.headers.get("Content-Type", "").startswith("application/json"):
                body = json.loads(raw or "{}")
            else:
                body = {k: v[0] for k, v in parse_qs(raw).items()}
            status, payload, wait = state.answer(self.path.split("?")[0].rsplit("/", 1)[-1],
                                                 body)
            self._send(status, payload, wait)

    server = _Server(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    try:
        server.serve_forever()
    finally:
        server.server_close()


class FanoutStub:
    """The benchmark's handle on the stub process."""

    def __init__(self, limits: Limits, clock: Any) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        self._port_q = ctx.Queue()
        self.proc = ctx.Process(target=serve, args=(limits, clock, self._port_q), daemon=True,
                                name="fanout-slack-stub")
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def stats(self) -> dict[str, Any]:
        with urlopen(f"{self.base}/_bench/stats", timeout=60) as resp:
            result: dict[str, Any] = json.loads(resp.read())
            return result

    def __enter__(self) -> FanoutStub:
        self.proc.start()
        self.port = int(self._port_q.get(timeout=60))
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            with urlopen(f"{self.base}/_bench/stop", data=b"", timeout=10):
                pass
        except OSError:
            pass
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout=5)
