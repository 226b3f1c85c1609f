"""Benchmark: the Socket Mode clients of slack_sdk/slack_bolt against a local stand-in for
Slack's Socket Mode websocket (tests/reliability/socket_stub.py).

For each client (the built-in one, websocket-client, aiohttp, websockets, and salesbot's
own `bot.socket_mode`) a bare Bolt app whose `/quick` command acks at once and whose
`/slow` command acks after 0.5 s is connected to the stand-in, and this reports:

- ordinary: the ack latency of 20 `/quick` commands, one after another;
- refresh: 5 times, a `disconnect` (refresh_requested): how long until the new connection
  opens (inf: none within 15 s), and the ack latency of a command sent on it as soon as it
  has opened;
- parallel: 5 `/slow` commands sent at once (Bolt's default listener pool has 5
  threads): how long until the last is acknowledged (0.5 s when they run side by side,
  2.5 s when one at a time);
- drop: twice, the connection is cut without a closing handshake: how long until a new
  connection opens (the time the app is offline; inf: none within 30 s).

Usage (from the repository root; the optional clients need their libraries installed):

    .venv/bin/python bench/socket_mode.py [builtin websocket_client aiohttp websockets salesbot]

A benchmark, not a test: it prints figures; Slack's limit for an ack is 3 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
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


def reconnect_s(stub: SocketModeStub, cause: Callable[[], None], timeout: float) -> float:
    """Seconds from `cause` until a new connection opens (inf: none within `timeout`)."""
    n = len(stub.connections)
    start = time.monotonic()
    cause()
    try:
        stub.wait_connections(n + 1, timeout)
    except AssertionError:
        return math.inf
    return time.monotonic() - start


def measure(kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with SlackStub() as slack, SocketModeStub() as stub:
        slack.socket_mode_url = stub.url
        with connected(kind, bolt_app(slack.api_url)):
            stub.wait_connections(1)
            quick = [stub.wait_ack(command(stub, "/quick", i)).after_s for i in range(20)]
            out["ordinary_ms"] = (1000 * statistics.median(quick), 1000 * max(quick))
            opened, acks = [], []
            for i in range(5):
                opened.append(reconnect_s(stub, stub.refresh, 15))
                if opened[-1] == math.inf:
                    break
                acks.append(stub.wait_ack(command(stub, "/quick", 100 + i), 15).after_s)
            out["refresh_new_connection_s"] = max(opened)
            out["refresh_ack_s"] = (min(acks), max(acks)) if acks else math.inf
            if acks:
                ids = [command(stub, "/slow", 200 + i) for i in range(5)]
                out["parallel_5x0.5s_last_ack_s"] = max(stub.wait_ack(e, 30).after_s
                                                        for e in ids)
            drops: list[float] = []
            while len(drops) < 2 and math.inf not in drops:
                drops.append(reconnect_s(stub, stub.drop, 30))
            out["drop_offline_s"] = max(drops)
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
