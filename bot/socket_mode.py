"""Socket Mode: salesbot's Socket Mode client, and serving a Bolt app over it until stopped.

slack_sdk's clients were measured against a local stand-in for Slack's websocket
(bench/socket_mode.py; figures in the README's "Reliability"): the built-in one reads a new
connection only once the old one's blocking read times out (acks 3 s late after every
`disconnect`) and did not notice a cut connection within 30 s; websocket-client's opened no
new connection for 10.5 s after one `disconnect` in five (its close handler reconnects a
second time while the first new connection is still opening); the aiohttp and websockets
clients run a synchronous Bolt app's listeners one at a time on their event loop (five
0.5-second commands: the last acked after 2.5 s) and notice a cut connection after 10 s.

This client keeps slack_sdk's message processing (BaseSocketModeClient: the queue, the
worker threads, the listeners Bolt's adapter uses) and puts it over websockets' threading
client: each connection has a reader thread; a `disconnect` opens the new connection first
and then closes the old one; a connection that ends unasked for is replaced at once.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from queue import Queue
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk import WebClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.interval_runner import IntervalRunner
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State
from websockets.sync.client import ClientConnection, connect

from bot.edge import Refused, check_envelope
from bot.preflight import StartupError

log = logging.getLogger(__name__)
LISTENER_THREADS = 32  # envelopes handled at once (Bolt's own pool has as many threads)
PING_S = 10.0  # a connection silent this long is pinged; one not answering in PING_S more is
# dropped and replaced
OPEN_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 2.0
SEND_WAIT_S = 2.0  # an ack sent while reconnecting waits this long for the new connection
RETRY_S = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0)  # waits between attempts to reconnect
DRAIN_S = 5.0  # Slack waits 3 s for an acknowledgement: no envelope should need longer
POLL_S = 1.0
MAX_ENVELOPE_BYTES = 16 * 2**20  # Slack's envelopes are kilobytes; a large form's, tens


class SocketModeClient(BaseSocketModeClient):
    """slack_sdk's Socket Mode protocol over websockets' threading client."""

    def __init__(self, app_token: str, web_client: WebClient, *,
                 logger: logging.Logger | None = None,
                 concurrency: int = LISTENER_THREADS, ping_interval: float = PING_S) -> None:
        self.app_token = app_token
        self.web_client = web_client
        self.logger = logger or log
        self.ping_interval = ping_interval
        self.wss_uri: str | None = None  # type: ignore[assignment]
        self.message_queue: Queue[str] = Queue()
        self.message_listeners = []
        self.socket_mode_request_listeners = []
        self.closed = False
        self.auto_reconnect_enabled = True
        self.connect_operation_lock = threading.Lock()
        self.message_workers = ThreadPoolExecutor(max_workers=concurrency,
                                                  thread_name_prefix="salesbot-socket")
        self.message_processor = IntervalRunner(self.process_messages, 0.001).start()
        self._current: ClientConnection | None = None
        self._changed = threading.Condition()  # notified when the connection changes
        self._closing = threading.Event()

    def is_connected(self) -> bool:
        ws = self._current
        return ws is not None and ws.state is State.OPEN

    def connect(self) -> None:
        """Open a connection (at the URL already issued, else a new one), then close the one
        it replaces. Raises if it cannot be opened."""
        url = self.wss_uri or self.issue_new_wss_url()
        self.wss_uri = None  # a URL serves one connection
        ws = connect(url, open_timeout=OPEN_TIMEOUT_S, close_timeout=CLOSE_TIMEOUT_S,
                     ping_interval=self.ping_interval, ping_timeout=self.ping_interval,
                     max_size=MAX_ENVELOPE_BYTES, compression=None)
        with self._changed:
            old, self._current = self._current, ws
            self._changed.notify_all()
        threading.Thread(target=self._receive, args=(ws,), daemon=True,
                         name="salesbot-socket-reader").start()
        if old is not None:  # its reader ends without reconnecting: it is not current
            threading.Thread(target=old.close, daemon=True).start()
        self.logger.info("Socket Mode connection open")

    def _receive(self, ws: ClientConnection) -> None:
        try:
            for message in ws:
                if isinstance(message, str):
                    self.enqueue_message(message)
        except ConnectionClosed:
            pass
        except Exception:  # the connection is unusable either way: replace it
            self.logger.exception("Socket Mode connection failed")
        if ws is self._current and not self.closed and self.auto_reconnect_enabled:
            self.logger.info("Socket Mode connection lost (%s); reconnecting", ws.close_code)
            self._reconnect()

    def _reconnect(self) -> None:
        for attempt in itertools.count():
            if self._closing.wait(RETRY_S[min(attempt, len(RETRY_S) - 1)]):
                return
            try:
                self.connect_to_new_endpoint(force=True)
                return
            except Exception as exc:  # Slack unreachable for now: try again later
                self.logger.warning("Socket Mode: could not reconnect (%s); retrying", exc)

    def disconnect(self) -> None:
        ws = self._current
        if ws is not None:
            ws.close()

    def send_message(self, message: str) -> None:
        deadline = time.monotonic() + SEND_WAIT_S
        while True:
            ws = self._current
            if ws is not None:
                try:
                    ws.send(message)
                    return
                except ConnectionClosed:
                    pass
            with self._changed:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed or not self._changed.wait_for(
                        lambda ws=ws: self._current is not ws, timeout=left):  # type: ignore[misc]
                    raise ConnectionError("no Socket Mode connection to send on")

    def close(self) -> None:
        self.closed = True
        self.auto_reconnect_enabled = False
        self._closing.set()
        self.disconnect()
        self.message_processor.shutdown()
        # SocketMode.run has waited for the envelopes in progress; a stuck one is left be
        self.message_workers.shutdown(wait=False, cancel_futures=True)


class SocketMode:
    """Serve a Bolt app over Socket Mode from `run()` until `stop()` (another thread or a
    signal handler), then stop gracefully: take no new envelopes (Slack sends them again,
    to another connection), let those in progress finish and be acknowledged for up to
    `drain_s` seconds, then close the connection."""

    def __init__(self, app: App, app_token: str, *, url: str | None = None,
                 drain_s: float = DRAIN_S) -> None:
        self.app = app
        self.drain_s = drain_s
        self.client = SocketModeClient(app_token, app.client)
        self.client.wss_uri = url
        self.client.socket_mode_request_listeners.append(self._handle)
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._in_flight = 0
        self._opened = False
        self.draining = threading.Event()  # set once no new envelope is taken

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def _handle(self, client: Any, request: SocketModeRequest) -> None:
        with self._idle:
            if self._stopping.is_set():
                return  # not acknowledged: Slack delivers it again
            self._in_flight += 1
        try:
            start = time.time()
            try:  # the same screening as a request over HTTP (bot.edge)
                check_envelope(request.type, request.payload)
            except Refused as refusal:
                # acknowledged, so that Slack does not send it again; a typed NUL gets
                # its message, an unreadable payload nothing (it is logged)
                answer = refusal.body if refusal.status.startswith("200") else None
                client.send_socket_mode_response(SocketModeResponse(
                    envelope_id=request.envelope_id,
                    payload=answer if isinstance(answer, dict) else None))
                return
            send_response(client, request, run_bolt_app(self.app, request), start)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def connect(self) -> None:
        """Open the first connection; raises StartupError if it cannot be opened."""
        self._opened = True
        try:
            self.client.connect()
        except Exception as exc:  # said in a line by `salesbot run`
            self.client.close()
            raise StartupError(f"cannot open the Socket Mode connection to Slack: {exc}"
                               ) from None

    def run(self) -> None:
        """Serve until stop() (connecting first unless connect() was called), then take no
        new envelopes, wait for those in progress, and close."""
        try:
            if not self._opened:
                self.connect()
            while not self._stopping.wait(POLL_S):
                pass
            with self._idle:
                self.draining.set()
                if not self._idle.wait_for(lambda: self._in_flight == 0, timeout=self.drain_s):
                    log.warning("stopping with %s envelopes still in progress after %s s",
                                self._in_flight, self.drain_s)
        finally:
            self.draining.set()
            with contextlib.suppress(Exception):  # closing a dead connection is no news
                self.client.close()

    def stop(self) -> None:
        """Ask run() to stop; returns at once."""
        self._stopping.set()
