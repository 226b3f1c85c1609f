"""A lean stand-in for Slack's Web API and response URLs, for benchmarks.

Unlike tests/slack_stub.py it keeps no request log, only what a benchmark needs: for every
response_url path the time each POST arrived and the reply's text, so a run can tell when
every command has been fully processed, how long each took, and whether any was answered
twice or with an error.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 refuses connections under bursts


class BenchSlackStub:
    """auth.test, users.info (name and tz), response_url POSTs; {"ok": true} for the rest."""

    def __init__(self, team_id: str, response_delay: float = 0.0) -> None:
        self.team_id = team_id
        self.response_delay = response_delay  # seconds before a response_url POST is answered
        self.users: dict[str, dict[str, Any]] = {}
        # response path id -> [(monotonic arrival time, reply text), ...]
        self.replies: dict[str, list[tuple[float, str]]] = {}
        self.api_calls: dict[str, int] = {}
        self._cond = threading.Condition()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                arrived = time.monotonic()
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                path = self.path.split("?")[0]
                if path.startswith("/response/"):
                    try:
                        text = str(json.loads(raw or "{}").get("text", ""))
                    except ValueError:
                        text = raw
                    stub._record_reply(path.removeprefix("/response/"), arrived, text)
                    if stub.response_delay:
                        time.sleep(stub.response_delay)  # Slack's own latency, if simulated
                    payload: dict[str, Any] = {"ok": True}
                else:
                    if self.headers.get("Content-Type", "").startswith("application/json"):
                        body = json.loads(raw or "{}")
                    else:
                        body = {k: v[0] for k, v in parse_qs(raw).items()}
                    payload = stub._answer(path.rsplit("/", 1)[-1], body)
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="slack-stub")

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def add_user(self, user_id: str, name: str, tz: str) -> None:
        self.users[user_id] = {"id": user_id, "name": name.lower().replace(" ", "."),
                               "real_name": name, "tz": tz, "profile": {"display_name": name}}

    def _record_reply(self, key: str, arrived: float, text: str) -> None:
        with self._cond:
            self.replies.setdefault(key, []).append((arrived, text))
            self._cond.notify_all()

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            self.api_calls[method] = self.api_calls.get(method, 0) + 1
        if method == "auth.test":
            return {"ok": True, "team_id": self.team_id, "user_id": "UBOT", "bot_id": "BBOT",
                    "team": "Bench", "url": "https://bench.slack.com/"}
        if method == "users.info":
            user = self.users.get(body.get("user", ""))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        return {"ok": True}

    def count_replied(self, keys: set[str]) -> int:
        """How many of `keys` have had at least one reply."""
        with self._cond:
            return sum(1 for k in keys if k in self.replies)

    def wait_replied(self, keys: set[str], timeout: float) -> bool:
        """Block until every key in `keys` got a reply; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: all(k in self.replies for k in keys),
                                       timeout=timeout)

    def snapshot(self, keys: set[str]) -> dict[str, list[tuple[float, str]]]:
        with self._cond:
            return {k: list(self.replies[k]) for k in keys if k in self.replies}

    def __enter__(self) -> BenchSlackStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
