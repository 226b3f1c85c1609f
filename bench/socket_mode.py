"""Benchmark: the Socket Mode clients of slack_sdk/slack_bolt against a local stand-in for
Slack's Socket Mode websocket (tests/reliability/socket_stub.py).

For each client (the built-in one, websocket-client, aiohttp, websockets, and salesbot's
own `bot.socket_mode`) a bare Bolt app whose `/quick` command acks at once and whose
`/slow` command acks after 0.5 s is connected to the stand-in, and this reports:

- ordinary: the ack latency of 20 `/quick` commands, one after another;
- refresh: after a `disconnect` (refresh_requested), how long until the new connection
  opens, and the ack latency of a command sent on it as soon as it has opened;
- drop: after the connection is cut without a closing handshake, how long until a new
  connection opens (the time salesbot is offline);
- parallel: 5 `/slow` commands sent at once (Bolt's default listener pool has 5
  threads): how long until the last is acknowledged (0.5 s when they run side by side,
  2.5 s when one at a time).

Usage (from the repository root; the optional clients need their libraries installed):

    .venv/bin/python bench/socket_mode.py [builtin websocket_client aiohttp websockets salesbot]

A benchmark, not a test: it prints figures; Slack's limit for an ack is 3 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt import Ack, App
from slack_sdk import WebClient

from tests.reliability.socket_stub import SocketModeStub
from tests.slack_stub import SlackStub

CLIENTS = ("builtin", "websocket_client", "aiohttp", "websockets", "salesbot")


def bolt_app(api_url: str) -> App:
    app = App(client=WebClient(token="xoxb-test", base_url=api_url), signing_secret="x",
              token_verification_enabled=False)

    @app.command("/quick")
    def quick(ack: Ack) -> None:
        ack()

    @app.command("/slow")
    def slow(ack: Ack) -> None:
        time.sleep(0.5)  # a command that takes a while (a benchmark may sleep)
        ack()

    return app


@contextlib.contextmanager
def connected(kind: str, app: App) -> Iterator[None]:
    """`app` connected to Socket Mode with the client `kind` until the block ends."""
    if kind == "salesbot":
        from bot.socket_mode import SocketMode

        mode = SocketMode(app, "xapp-test")
        thread = threading.Thread(target=mode.run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            mode.stop()
            thread.join(10)
        return
    if kind in ("builtin", "websocket_client"):
        module = __import__(f"slack_bolt.adapter.socket_mode.{kind}",
                            fromlist=["SocketModeHandler"])
        handler = module.SocketModeHandler(app, "xapp-test")
        handler.connect()
        try:
            yield
        finally:
            handler.close()
        return
    module = __import__(f"slack_bolt.adapter.socket_mode.{kind}", fromlist=["SocketModeHandler"])
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> Any:
        from slack_sdk.web.async_client import AsyncWebClient

        handler = module.SocketModeHandler(
            app, "xapp-test", web_client=AsyncWebClient(base_url=app.client.base_url))
        await handler.connect_async()
        return handler

    handler = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(handler.close_async(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def command(stub: SocketModeStub, name: str, n: int) -> str:
    return stub.send(stub.slash_command("UALICE", name, "", trigger=f"{n}.t",
                                        response_url="http://127.0.0.1:1/response"))


def timed(what: Callable[[], None]) -> float:
    start = time.monotonic()
    what()
    return time.monotonic() - start


def measure(kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with SlackStub() as slack, SocketModeStub() as socket_mode:
        slack.socket_mode_url = socket_mode.url
        with connected(kind, bolt_app(slack.api_url)):
            socket_mode.wait_connections(1)
            quick = [socket_mode.wait_ack(command(socket_mode, "/quick", i)).after_s
                     for i in range(20)]
            out["ordinary_ms"] = (1000 * statistics.median(quick), 1000 * max(quick))
            refresh_ack, refresh_open = [], []
            for i in range(3):
                n = len(socket_mode.connections)
                refresh_open.append(timed(lambda n=n: (socket_mode.refresh(),  # type: ignore[misc]
                                                       socket_mode.wait_connections(n + 1))))
                acked = socket_mode.wait_ack(command(socket_mode, "/quick", 100 + i))
                refresh_ack.append(acked.after_s)
            out["refresh_open_s"] = max(refresh_open)
            out["refresh_ack_s"] = (min(refresh_ack), max(refresh_ack))
            drops = []
            for _ in range(2):
                n = len(socket_mode.connections)
                drops.append(timed(lambda n=n: (socket_mode.drop(),  # type: ignore[misc]
                                                socket_mode.wait_connections(n + 1, 30))))
            out["drop_offline_s"] = (min(drops), max(drops))
            ids = [command(socket_mode, "/slow", 200 + i) for i in range(5)]
            out["parallel_5x0.5s_last_ack_s"] = max(socket_mode.wait_ack(e, 30).after_s
                                                    for e in ids)
    return out


def main() -> None:
    logging.basicConfig(level=logging.CRITICAL)
    for kind in sys.argv[1:] or CLIENTS:
        try:
            result = measure(kind)
        except Exception as exc:  # report and go on with the next client
            print(f"{kind:17} FAILED: {exc!r}"[:300])
            continue
        print(f"{kind:17} " + "  ".join(
            f"{k}=" + ("/".join(f"{x:.3f}" for x in v) if isinstance(v, tuple) else f"{v:.3f}")
            for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
