"""Command worker processes: slash commands received in the web process, run elsewhere.

Python runs one thread at a time per process. A slash command's work (its transaction and
the rendering of its reply) costs several times what receiving it costs, so in one process
the commands being answered slow down the receipt of the next ones. `salesbot run`
therefore hands slash commands to worker processes (`SALESBOT_COMMAND_WORKERS`; by default
see bot.cli.default_command_workers): the web process verifies and queues each command, waits for
its answer and sends it to Slack in the acknowledgement (bot.listeners.commands.handle_command).

What moves is the command's transaction and the rendering of its reply
(`bot.listeners.commands.command_answer`), with the time the command arrived, so a command
queued for a moment still happens "now". The answer comes back as plain data
(`bot.listeners.commands.Answer`).

The queue is short (`QUEUED_PER_PROCESS` commands per worker): when commands arrive faster
than the workers finish them, the acknowledgements slow down to the workers' pace instead
of a queue growing. A command that finds no place in time runs in the web process; one
whose worker dies is answered there too, and the worker is replaced: nothing is dropped.
Duplicate deliveries are still applied once: the request key is claimed in the command's
own transaction, whichever process runs it.

Each worker has a pipe of its own: the listener thread writes the command to it, and one
reader thread per worker sets the answers. (concurrent.futures' ProcessPoolExecutor moves
every call through a feeder thread and a manager thread: ~170 us of this process's CPU per
call in a synthetic test, against ~30 us for a direct pipe.)
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.app import SlackDirectory
from bot.dispatch import Deps
from bot.listeners.commands import Answer, command_answer
from bot.logs import install_handler
from bot.settings import Settings
from commands.core.actors import WorkspaceDefaults
from commands.core.i18n import set_default_locale

log = logging.getLogger(__name__)
QUEUED_PER_PROCESS = 16  # commands queued or running in each worker process, at most
STOP_TIMEOUT_S = 60  # for the commands queued at shutdown to finish

# What a worker sends back: ("ready", None) once it can run commands, ("failed", reason)
# if it cannot start, then (number, Answer | None | _Failure) for each command.
_READY, _FAILED = "ready", "failed"


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs to run commands: it builds its own engine and client."""

    database_url: str
    token: str | None
    api_url: str | None = None
    defaults: WorkspaceDefaults = field(default_factory=WorkspaceDefaults)
    log_level: int = logging.INFO
    log_format: str = "text"  # SALESBOT_LOG_FORMAT (bot.logs)
    # Installed through OAuth: people are looked up with each workspace's own token
    settings: Settings | None = None


@dataclass(frozen=True)
class _Failure:
    """A command the worker could not answer (answering never raises: a bug, or an answer
    that cannot be pickled); the web process answers it instead."""

    reason: str


class _Runs(Protocol):
    def run(self, body: dict[str, Any], now: datetime) -> Answer | None: ...


class _Worker:
    """The per-process state of a worker: engine, session factory, and the Slack client
    that looks up people seen for the first time."""

    def __init__(self, config: WorkerConfig) -> None:
        from storage.db import make_engine, make_session_factory

        client = (WebClient(token=config.token, base_url=config.api_url)
                  if config.api_url else WebClient(token=config.token))
        engine = make_engine(config.database_url)
        self.deps = Deps(session_factory=make_session_factory(engine),
                         clock=lambda: datetime.now(UTC), defaults=config.defaults,
                         directory=SlackDirectory(client))
        if config.settings is not None:
            from bot.workspaces import TeamDirectories, token_source

            self.deps.directories = TeamDirectories(token_source(config.settings, engine),
                                                    config.api_url)

    def run(self, body: dict[str, Any], now: datetime) -> Answer | None:
        return command_answer(self.deps, body, now)


def _serve(conn: Connection, config: WorkerConfig) -> None:
    """A worker process's main function."""
    # Ctrl+C reaches the whole process group, and `systemctl stop` sends SIGTERM to every
    # process of the service: the web process stops the workers itself once the commands
    # in progress are answered. Should it die instead, the pipe closes and so do we.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    install_handler(config.log_format, [config.token], level=config.log_level,
                    text_format="%(asctime)s %(levelname)s %(name)s [worker] %(message)s")
    set_default_locale(config.defaults.locale)
    try:
        worker = _Worker(config)
    except Exception as exc:
        conn.send((_FAILED, repr(exc)))
        raise
    conn.send((_READY, None))
    answer_commands(conn, worker)


def answer_commands(conn: Connection, worker: _Runs) -> None:
    """Answer the commands arriving on `conn`, in order, until None or the pipe closes."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the web process went away
            return
        if message is None:
            return
        number, body, now = message
        try:
            conn.send((number, worker.run(body, now)))
        except Exception as exc:
            log.exception("could not answer %s", body.get("command"))
            conn.send((number, _Failure(repr(exc))))


class _Handle(Protocol):
    """A running worker: a multiprocessing.Process (or, in tests, a thread)."""

    def is_alive(self) -> bool: ...
    def join(self, timeout: float | None = None) -> None: ...


def spawn_process(config: WorkerConfig) -> tuple[Connection, _Handle]:
    """Start a worker process; returns our end of its pipe and the process."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, config),
                              name="salesbot-command-worker")
    process.start()
    theirs.close()  # so that we see EOF when the process dies
    return ours, process


@dataclass(eq=False)
class _Pending:
    body: dict[str, Any]
    run_here: Callable[[], Answer | None]
    answer: Future[Answer | None]


@dataclass(eq=False)
class _Link:
    """One worker, the pipe to it and the commands it has not answered yet."""

    conn: Connection
    handle: _Handle
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: dict[int, _Pending] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)
    failure: str | None = None
    dead: bool = False


class CommandWorkers:
    """Worker processes answering slash commands."""

    def __init__(self, config: WorkerConfig, processes: int, *, max_queued: int | None = None,
                 start: Callable[[WorkerConfig], tuple[Connection, _Handle]] = spawn_process
                 ) -> None:
        if processes < 1:
            raise ValueError("CommandWorkers needs at least one process")
        self.config = config
        self.processes = processes
        self._start = start
        # Commands queued or running in a worker. A command waits for a place before it is
        # queued: that slows the acknowledgements down to the workers' pace.
        self._slots = threading.BoundedSemaphore(
            QUEUED_PER_PROCESS * processes if max_queued is None else max_queued)
        self._lock = threading.Lock()
        self._links: list[_Link | None] = [None] * processes
        self._numbers = itertools.count()
        self._stopping = False

    def _live_links(self) -> list[_Link]:
        """The workers able to take commands; a worker that died is replaced first (one
        that could not start at all is not: the web process answers instead). Holds _lock.
        """
        live = []
        for index, link in enumerate(self._links):
            if not self._stopping and (link is None or (link.dead and link.failure is None)):
                conn, handle = self._start(self.config)
                link = self._links[index] = _Link(conn, handle)
                threading.Thread(target=self._read, args=(link,), daemon=True,
                                 name=f"salesbot-worker-{index}-answers").start()
            if link is not None and not link.dead:
                live.append(link)
        return live

    def warm_up(self, timeout: float = 120) -> None:
        """Start every worker process now, not on the first command; raise if one fails."""
        with self._lock:
            self._live_links()
            links = list(self._links)
        for link in links:
            assert link is not None
            if not link.ready.wait(timeout):
                raise RuntimeError(f"a command worker did not start within {timeout} s")
            if link.dead:
                raise RuntimeError(f"a command worker could not start: {link.failure}")

    def pids(self) -> list[int]:
        """The process ids of the running workers."""
        return [pid for link in self._links if link is not None and not link.dead
                and (pid := getattr(link.handle, "pid", None)) is not None]

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
        pending = _Pending(dict(body), run_here, Future())
        number = next(self._numbers)
        with self._lock:
            try:
                live = self._live_links()
            except Exception:
                log.exception("could not start a command worker")
                live = []
        if not live:
            self._slots.release()
            return None
        link = min(live, key=lambda candidate: len(candidate.pending))
        with link.lock:
            if not link.dead:
                link.pending[number] = pending
                try:
                    link.conn.send((number, pending.body, now))
                    return pending.answer
                except (OSError, ValueError) as exc:  # it died a moment ago
                    del link.pending[number]
                    log.error("command worker unreachable (%r); answering here", exc)
        self._slots.release()
        return None

    def _read(self, link: _Link) -> None:
        """Set the answers coming back from one worker, until it stops or dies."""
        while True:
            try:
                tag, payload = link.conn.recv()
            except (EOFError, OSError):
                break
            if tag == _READY:
                link.ready.set()
                continue
            if tag == _FAILED:
                link.failure = payload
                log.error("a command worker could not start: %s", payload)
                break
            with link.lock:
                pending = link.pending.pop(tag)
            self._slots.release()
            if isinstance(payload, _Failure):
                log.error("a command worker failed on %s: %s; answering it in the web "
                          "process", pending.body.get("command"), payload.reason)
                self._answer_here(pending)
            else:
                pending.answer.set_result(payload)
        with link.lock:
            link.dead = True
            orphans = list(link.pending.values())
            link.pending.clear()
        link.ready.set()
        link.conn.close()
        for pending in orphans:
            # The worker process died under these commands. Answer them here: if the
            # worker had committed one, its claimed request key makes it a no-op rather
            # than a second visit.
            self._slots.release()
            log.error("a command worker stopped during %s; answering it in the web process",
                      pending.body.get("command"))
            self._answer_here(pending)

    @staticmethod
    def _answer_here(pending: _Pending) -> None:
        def answer_here() -> None:
            try:
                pending.answer.set_result(pending.run_here())
            except BaseException as exc:  # run_here does not raise; never leave it hanging
                pending.answer.set_exception(exc)

        threading.Thread(target=answer_here, name="salesbot-command-retry", daemon=True).start()

    def shutdown(self) -> None:
        """Let queued commands finish, then stop the processes."""
        with self._lock:
            self._stopping = True
            links = [link for link in self._links if link is not None]
        for link in links:
            with link.lock:
                if not link.dead:
                    with contextlib.suppress(OSError, ValueError):
                        link.conn.send(None)  # after the queued commands
        for link in links:
            link.handle.join(STOP_TIMEOUT_S)
            if link.handle.is_alive() and hasattr(link.handle, "kill"):
                log.warning("a command worker did not stop within %s s; killing it",
                            STOP_TIMEOUT_S)
                link.handle.kill()  # it ignores SIGTERM
