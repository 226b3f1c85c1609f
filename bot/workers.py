"""Command worker processes: slash commands acknowledged in the web process, run elsewhere.

Python runs one thread at a time per process. A slash command's work (its transaction, the
rendering, the POST of the reply to its response_url) costs several times what receiving and
acknowledging it costs, so in one process the commands being answered slow down the
acknowledgement of the next ones. `salesbot run` therefore hands every acknowledged slash
command to worker processes (`SALESBOT_COMMAND_WORKERS`, by default the CPUs but one, up
to 4): the web process only verifies, acknowledges and queues.

What moves is exactly the listener's work after `ack()`: the command's transaction
(`bot.app.command_reply`), with the time the command arrived, so a command queued for a
moment still happens "now"; then its reply (`bot.app.deliver_reply`), posted by a thread of
the worker so that the next command need not wait for Slack.

The queue is short (`QUEUED_PER_PROCESS` commands per worker) and a command is acknowledged
only once it has a place in it: when commands arrive faster than the workers finish them,
the acknowledgements slow down to the workers' pace (Slack waits up to 3 s for one) instead
of a queue growing, and every reply follows its acknowledgement within a fraction of a
second. A command that finds no place within `QUEUE_WAIT_S`, or whose worker died, runs in
the web process as before: nothing is dropped. Duplicate deliveries are still applied once:
the request key is claimed in the command's own transaction, whichever process runs it.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.app import SlackDirectory, command_reply, deliver_reply, report_error
from bot.dispatch import Deps
from commands.actors import WorkspaceDefaults

log = logging.getLogger(__name__)
REPLY_THREADS = 16  # replies being posted at once by one worker process
QUEUED_PER_PROCESS = 16  # commands waiting for each worker process, at most
QUEUE_WAIT_S = 1.5  # how long a command waits for a place before the web process runs it


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs to run commands: it builds its own engine and client."""

    database_url: str
    token: str | None
    api_url: str | None = None
    defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    log_level: int = logging.INFO


class _Worker:
    """The per-process state of a worker: engine, session factory, Slack client, and the
    threads that post replies.

    A worker runs one command's transaction at a time, then hands the reply to a thread:
    posting to a response_url takes a network round trip to Slack (100 ms or more), and
    waiting for it would cap a worker at a few commands per second.
    """

    def __init__(self, config: WorkerConfig) -> None:
        from storage.db import make_engine, make_session_factory

        self.config = config
        self.factory = make_session_factory(make_engine(config.database_url))
        self.client = (WebClient(token=config.token, base_url=config.api_url)
                       if config.api_url else WebClient(token=config.token))
        self.directory = SlackDirectory(self.client)
        self.replies = ThreadPoolExecutor(max_workers=REPLY_THREADS,
                                          thread_name_prefix="salesbot-reply")

    def run(self, body: dict[str, Any], now: datetime) -> None:
        deps = Deps(session_factory=self.factory, clock=lambda: now,
                    defaults=self.config.defaults, directory=self.directory)
        respond = Respond(response_url=body.get("response_url"))
        try:
            reply = command_reply(deps, body)
        except Exception as error:  # the same one error path as a listener's
            self.replies.submit(self._post, report_error, error, body, respond, self.client)
            return
        if reply is not None:
            self.replies.submit(self._post, deliver_reply, reply, body, respond, self.client)

    @staticmethod
    def _post(deliver: Callable[..., None], *args: Any) -> None:
        try:
            deliver(*args)
        except Exception:  # Slack unreachable: nothing to tell the user through
            log.exception("could not post a command's reply")


_worker: _Worker | None = None


def _start(config: WorkerConfig) -> None:
    """Initializer of each worker process."""
    global _worker
    # Ctrl+C reaches the whole process group; the web process stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=config.log_level,
                        format="%(asctime)s %(levelname)s %(name)s [worker] %(message)s")
    _worker = _Worker(config)


def _run(body: dict[str, Any], now: datetime) -> None:
    assert _worker is not None, "the worker process was not initialised"
    _worker.run(body, now)


def _ready() -> bool:
    return _worker is not None


class CommandWorkers:
    """A pool of worker processes answering acknowledged slash commands."""

    def __init__(self, config: WorkerConfig, processes: int, *, max_queued: int | None = None,
                 queue_wait: float = QUEUE_WAIT_S) -> None:
        if processes < 1:
            raise ValueError("CommandWorkers needs at least one process")
        self.config = config
        self.processes = processes
        self.queue_wait = queue_wait
        # Commands queued or running in a worker. A command waits for a place before it is
        # acknowledged: that slows the acknowledgements to the workers' pace.
        self._slots = threading.BoundedSemaphore(
            QUEUED_PER_PROCESS * processes if max_queued is None else max_queued)
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(self.config,),
        )

    def warm_up(self, timeout: float = 120) -> None:
        """Start every worker process now, not on the first command; raise if one fails."""
        for future in [self._pool.submit(_ready) for _ in range(self.processes)]:
            future.result(timeout=timeout)

    def submit(self, body: dict[str, Any], now: datetime, run_here: Callable[[], None],
               ack: Callable[[], object]) -> bool:
        """Wait for a place in the queue, `ack()`, and queue the slash command.

        False means no place came up within `queue_wait` seconds: nothing was acknowledged
        or queued, and the caller must run the command itself. `run_here` answers the
        command in this process; it is called (on a thread of its own) if the worker process
        running the command dies.
        """
        if not self._slots.acquire(timeout=self.queue_wait):
            log.warning("command workers are saturated; answering %s in the web process",
                        body.get("command"))
            return False
        ack()
        with self._lock:
            pool = self._pool
            try:
                future = pool.submit(_run, dict(body), now)
            except (BrokenProcessPool, RuntimeError) as exc:
                self._slots.release()
                log.error("command workers unavailable (%r); restarting them", exc)
                self._replace(pool)
                return False
        future.add_done_callback(lambda f: self._finished(f, pool, body, run_here))
        return True

    def _finished(self, future: Future[None], pool: ProcessPoolExecutor, body: dict[str, Any],
                  run_here: Callable[[], None]) -> None:
        self._slots.release()
        error = future.exception()
        if error is None:
            return
        # The worker process died under this command (answering never raises). Answer it
        # here: if the worker had committed it, its claimed request key makes this a no-op
        # rather than a second visit.
        log.error("a command worker failed on %s: %r; answering it in the web process",
                  body.get("command"), error)
        with self._lock:
            self._replace(pool)
        threading.Thread(target=run_here, name="salesbot-command-retry", daemon=True).start()

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Start a new pool in place of `broken` (once, however many commands it failed)."""
        if self._pool is broken:
            self._pool = self._new_pool()
            broken.shutdown(wait=False, cancel_futures=False)

    def shutdown(self) -> None:
        """Let queued commands finish, then stop the processes."""
        self._pool.shutdown(wait=True)
