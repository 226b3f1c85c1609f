"""A local stand-in for Slack's Socket Mode websocket: it speaks Slack's envelope protocol
(hello, slash_commands, interactive, events_api, disconnect) on 127.0.0.1 and records every
acknowledgement, in order, with the connection it came on.

Point `SlackStub.socket_mode_url` at `SocketModeStub.url` and a Socket Mode client gets it
from apps.connections.open, as it would from Slack.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

WAIT_S = 10.0


@dataclass(frozen=True)
class Acked:
    """An acknowledgement the app sent: its envelope, the reply it carried (if any), the
    connection it came on (1 = the first opened) and how long after the envelope it came."""

    envelope_id: str
    payload: dict[str, Any] | None
    connection: int
    after_s: float


class SocketModeStub:
    """Slack's side of Socket Mode: sends envelopes on the newest connection, records acks."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.connections: list[ServerConnection] = []
        self.closed: set[int] = set()  # connections the app (or the stub) has closed
        self.acks: list[Acked] = []
        # what happened, in order: ("open", n), ("ack", envelope_id), ("closed", n)
        self.log: list[tuple[str, object]] = []
        self._sent: dict[str, float] = {}
        self._ids = itertools.count(1)
        self.server: Server = serve(self._serve, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=stub"

    def _serve(self, ws: ServerConnection) -> None:
        with self._cond:
            self.connections.append(ws)
            number = len(self.connections)
            self.log.append(("open", number))
            self._cond.notify_all()
        ws.send(json.dumps({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "stub", "approximate_connection_time": 18060},
                            "connection_info": {"app_id": "A0SALES"}}))
        try:
            for message in ws:
                data = json.loads(message)
                with self._cond:
                    sent = self._sent.get(data.get("envelope_id", ""), time.monotonic())
                    self.acks.append(Acked(data.get("envelope_id", ""), data.get("payload"),
                                           number, time.monotonic() - sent))
                    self.log.append(("ack", data.get("envelope_id", "")))
                    self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                self.closed.add(number)
                self.log.append(("closed", number))
                self._cond.notify_all()

    # --- what Slack sends -------------------------------------------------------------------

    def send(self, envelope: dict[str, Any], connection: int | None = None) -> str:
        """Send an envelope on `connection` (default: the newest); returns its id."""
        ws = self.connections[(connection or len(self.connections)) - 1]
        with self._cond:
            self._sent[envelope["envelope_id"]] = time.monotonic()
        ws.send(json.dumps(envelope))
        return str(envelope["envelope_id"])

    def envelope(self, kind: str, payload: dict[str, Any], *,
                 accepts_response_payload: bool) -> dict[str, Any]:
        return {"envelope_id": f"env-{next(self._ids)}", "type": kind, "payload": payload,
                "accepts_response_payload": accepts_response_payload}

    def slash_command(self, user: str, command: str, text: str, *, trigger: str,
                      response_url: str, team: str = "T0TEST",
                      channel: str = "C0EAST") -> dict[str, Any]:
        return self.envelope("slash_commands", {
            "token": "legacy", "team_id": team, "team_domain": "test", "channel_id": channel,
            "channel_name": "east", "user_id": user, "user_name": user.lower(),
            "command": command, "text": text, "api_app_id": "A0SALES",
            "is_enterprise_install": "false", "response_url": response_url,
            "trigger_id": trigger,
        }, accepts_response_payload=True)

    def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.envelope("interactive", payload,
                             accepts_response_payload=payload.get("type") == "view_submission")

    def events_api(self, event: dict[str, Any], *, event_id: str,
                   team: str = "T0TEST") -> dict[str, Any]:
        envelope = self.envelope("events_api", {
            "token": "legacy", "team_id": team, "api_app_id": "A0SALES", "event": event,
            "type": "event_callback", "event_id": event_id, "event_time": 1_700_000_000,
        }, accepts_response_payload=False)
        envelope.update(retry_attempt=0, retry_reason="")
        return envelope

    def refresh(self) -> None:
        """Ask the app to reconnect, as Slack does routinely (the old connection stays open
        until the app closes it)."""
        self.connections[-1].send(json.dumps({
            "type": "disconnect", "reason": "refresh_requested",
            "debug_info": {"host": "stub"}}))

    def drop(self) -> None:
        """Cut the newest connection without a closing handshake, as a network failure does."""
        ws = self.connections[-1]
        ws.socket.shutdown(socket.SHUT_RDWR)
        ws.socket.close()

    # --- what the test waits for ------------------------------------------------------------

    def wait(self, predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
        with self._cond:
            assert self._cond.wait_for(predicate, timeout=timeout), \
                f"timed out waiting for {what}; acks so far: {self.acks}"

    def wait_connections(self, n: int, timeout: float = WAIT_S) -> None:
        self.wait(lambda: len(self.connections) >= n, f"connection {n}", timeout)

    def wait_ack(self, envelope_id: str, timeout: float = WAIT_S) -> Acked:
        self.wait(lambda: any(a.envelope_id == envelope_id for a in self.acks),
                  f"the ack of {envelope_id}", timeout)
        return self.acked(envelope_id)[0]

    def acked(self, envelope_id: str) -> list[Acked]:
        with self._cond:
            return [a for a in self.acks if a.envelope_id == envelope_id]

    def __enter__(self) -> SocketModeStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
