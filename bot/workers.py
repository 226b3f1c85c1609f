"""Command worker processes: slash commands received in the web process, run elsewhere.

Python runs one thread at a time per process. A slash command's work (its transaction and
the rendering of its reply) costs several times what receiving it costs, so in one process
the commands being answered slow down the receipt of the next ones. `salesbot run`
therefore hands slash commands to worker processes (`SALESBOT_COMMAND_WORKERS`, by default
the CPUs but one, up to 4): the web process verifies and queues each command, waits for
its answer and sends it to Slack in the acknowledgement (bot.app's handle_command).

What moves is the command's transaction and the rendering of its reply
(`bot.app.command_answer`), with the time the command arrived, so a command queued for a
moment still happens "now". The answer comes back as plain data (`bot.app.Answer`).

The queue is short (`QUEUED_PER_PROCESS` commands per worker): when commands arrive faster
than the workers finish them, the acknowledgements slow down to the workers' pace instead
of a queue growing. A command that finds no place in time runs in the web process; one
whose worker dies is answered there too, and the worker is replaced: nothing is dropped.
Duplicate deliveries are still applied once: the request key is claimed in the command's
own transaction, whichever process runs it.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from bot.app import Answer, SlackDirectory, command_answer
from bot.dispatch import Deps
from commands.actors import WorkspaceDefaults

log = logging.getLogger(__name__)
QUEUED_PER_PROCESS = 16  # commands queued or running in each worker process, at most


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs to run commands: it builds its own engine and client."""

    database_url: str
    token: str | None
    api_url: str | None = None
    defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    log_level: int = logging.INFO


class _Worker:
    """The per-process state of a worker: engine, session factory, and the Slack client
    that looks up people seen for the first time."""

    def __init__(self, config: WorkerConfig) -> None:
        from storage.db import make_engine, make_session_factory

        client = (WebClient(token=config.token, base_url=config.api_url)
                  if config.api_url else WebClient(token=config.token))
        self.deps = Deps(session_factory=make_session_factory(make_engine(config.database_url)),
                         clock=lambda: datetime.now(UTC), defaults=config.defaults,
                         directory=SlackDirectory(client))

    def run(self, body: dict[str, Any], now: datetime) -> Answer | None:
        return command_answer(self.deps, body, now)


_worker: _Worker | None = None


def _start(config: WorkerConfig) -> None:
    """Initializer of each worker process."""
    global _worker
    # Ctrl+C reaches the whole process group; the web process stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=config.log_level,
                        format="%(asctime)s %(levelname)s %(name)s [worker] %(message)s")
    _worker = _Worker(config)


def _run(body: dict[str, Any], now: datetime) -> Answer | None:
    assert _worker is not None, "the worker process was not initialised"
    return _worker.run(body, now)


def _ready() -> bool:
    return _worker is not None


class CommandWorkers:
    """A pool of worker processes answering slash commands."""

    def __init__(self, config: WorkerConfig, processes: int, *,
                 max_queued: int | None = None) -> None:
        if processes < 1:
            raise ValueError("CommandWorkers needs at least one process")
        self.config = config
        self.processes = processes
        # Commands queued or running in a worker. A command waits for a place before it is
        # queued: that slows the acknowledgements down to the workers' pace.
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

    def submit(self, body: dict[str, Any], now: datetime, wait: float,
               run_here: Callable[[], Answer | None]) -> Future[Answer | None] | None:
        """Queue a slash command once there is a place, waiting up to `wait` seconds.

        Returns its future answer, or None when no place came up (nothing was queued: the
        caller runs the command itself). If the worker process running the command dies,
        the answer is `run_here()`'s, called on a thread of its own.
        """
        if not self._slots.acquire(timeout=wait):
            log.warning("command workers are saturated; answering %s in the web process",
                        body.get("command"))
            return None
        with self._lock:
            pool = self._pool
            try:
                running = pool.submit(_run, dict(body), now)
            except (BrokenProcessPool, RuntimeError) as exc:
                self._slots.release()
                log.error("command workers unavailable (%r); restarting them", exc)
                self._replace(pool)
                return None
        answer: Future[Answer | None] = Future()
        running.add_done_callback(lambda done: self._finished(done, pool, body, run_here,
                                                              answer))
        return answer

    def _finished(self, running: Future[Answer | None], pool: ProcessPoolExecutor,
                  body: dict[str, Any], run_here: Callable[[], Answer | None],
                  answer: Future[Answer | None]) -> None:
        self._slots.release()
        error = running.exception()
        if error is None:
            answer.set_result(running.result())
            return
        # The worker process died under this command (answering never raises). Answer it
        # here: if the worker had committed it, its claimed request key makes this a no-op
        # rather than a second visit.
        log.error("a command worker failed on %s: %r; answering it in the web process",
                  body.get("command"), error)
        with self._lock:
            self._replace(pool)

        def answer_here() -> None:
            try:
                answer.set_result(run_here())
            except BaseException as exc:  # run_here does not raise; never leave it hanging
                answer.set_exception(exc)

        threading.Thread(target=answer_here, name="salesbot-command-retry", daemon=True).start()

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Start a new pool in place of `broken` (once, however many commands it failed)."""
        if self._pool is broken:
            self._pool = self._new_pool()
            broken.shutdown(wait=False, cancel_futures=False)

    def shutdown(self) -> None:
        """Let queued commands finish, then stop the processes."""
        self._pool.shutdown(wait=True)
