"""Slash commands: every salesbot command, answered in the acknowledgement when it is quick,
run in worker processes when there are some, and delivered late when it is slow."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.dispatch import Deps, execute
from bot.listeners.base import caller_of, error_message, guard
from bot.listeners.visits import open_visit_form
from bot.metrics import OUTCOME, outcome_of
from bot.render.base import MAX_BLOCKS, Reply, error_reply
from commands.core.i18n import N_, current_locale, t, use_locale
from commands.dispatch import COMMANDS
from storage.repo.claims import keep_reply, kept_reply

log = logging.getLogger(__name__)
# Listeners hold a thread through their reply to Slack (see bot.app.create_app); commands
# run here get as many threads of their own.
LISTENER_THREADS = 32
# Slack waits 3 s for a slash command's acknowledgement. A command answered by then has its
# reply in the acknowledgement; one that waited QUEUE_WAIT_S for room in the workers' queue
# still has the rest of the time to run.
ANSWER_WITHIN_S = 2.0
QUEUE_WAIT_S = 1.0
ALREADY_DONE = N_("Already done (Slack sent this command again):")


@dataclass(frozen=True)
class Answer:
    """A slash command's reply as Slack takes it: the message, and files for the caller's DM.

    Plain data, so a command worker process can send it back to the web process.
    """

    message: dict[str, Any]
    files: tuple[tuple[str, bytes], ...] = ()
    outcome: str = "ok"  # how the command went, for bot.metrics
    lang: str | None = None  # the caller's language, for what is said after (files' DM)


class Offload(Protocol):
    """Somewhere else to run slash commands (bot.workers.CommandWorkers)."""

    def submit(self, body: dict[str, Any], now: datetime, wait: float,
               run_here: Callable[[], Answer | None]) -> Future[Answer | None] | None:
        """Queue the command once there is room, waiting up to `wait` seconds; None when
        there was none and it must be run here. `run_here` answers it in this process if
        the worker running it dies."""
        ...


def register(app: App, deps: Deps, workers: Offload | None = None) -> None:
    """Listen for every salesbot slash command."""
    # Commands run here when there are no worker processes (or no room in their queue), on
    # threads of their own: the listener waits for the answer only until ANSWER_WITHIN_S.
    here = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="salesbot-command")
    for name in COMMANDS:
        guard(app.command(f"/{name}"), handle_command, deps=deps, workers=workers, here=here)


def handle_command(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient,
                   deps: Deps, workers: Offload | None, here: ThreadPoolExecutor,
                   context: BoltContext | None = None) -> None:
    """Run any salesbot slash command; its reply rides on the acknowledgement.

    Slack shows a message in the acknowledgement as the command's reply, one round trip
    sooner than a POST to the response_url and at no cost in Slack API calls. A command
    not answered within ANSWER_WITHIN_S (Slack waits 3 s) is acknowledged empty, and its
    reply follows at the response_url.
    """
    if body["command"].lstrip("/") == "visit" and not body.get("text", "").strip():
        _outcome(context, "form")
        ack()
        open_visit_form(body, client, deps)
        return
    deadline = time.monotonic() + ANSWER_WITHIN_S
    future = start_command(deps, body, workers, here)
    try:
        answer = future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        _outcome(context, "late")
        ack()
        future.add_done_callback(lambda done: deliver_late(done, body, respond, client))
        return
    _outcome(context, "duplicate" if answer is None else answer.outcome)
    if answer is None:  # a duplicate delivery whose reply was not kept
        ack()
        return
    ack(**answer.message)
    if answer.files:
        with use_locale(answer.lang):
            upload_to_dm(client, body["user_id"], answer.files, respond)


def _outcome(context: BoltContext | None, outcome: str) -> None:
    """Note how the command went, for bot.metrics (no context: called outside Bolt)."""
    if context is not None:
        context[OUTCOME] = outcome


def start_command(deps: Deps, body: dict[str, Any], workers: Offload | None,
                  here: ThreadPoolExecutor) -> Future[Answer | None]:
    """Start running the command, in a worker process if there is room, else here."""
    now = deps.clock()
    future = None
    if workers is not None:
        future = workers.submit(body, now, QUEUE_WAIT_S, lambda: command_answer(deps, body, now))
    if future is None:
        future = here.submit(command_answer, deps, body, now)
    return future


def command_reply(deps: Deps, body: dict[str, Any]) -> Reply | None:
    """Run a slash command in one transaction; None if it was a duplicate.

    Its reply is kept with its claim (see `retried_answer`). Raises UsageError /
    PermissionDenied with nothing written.
    """
    return execute(deps, caller_of(body), body["command"].lstrip("/"), body.get("text", ""),
                   request_key=command_key(body), keep=keep_answer)


def command_key(body: dict[str, Any]) -> str:
    return f"trigger:{body['trigger_id']}"


def keep_answer(session: Session, key: str, reply: Reply) -> None:
    keep_reply(session, key, json.dumps(reply.as_message()))


def retried_answer(deps: Deps, body: dict[str, Any]) -> Answer | None:
    """What a command delivered again answers: the reply its first delivery got, marked
    as already done (files, such as an export, are not shared twice); None if none was
    kept."""
    with deps.session_factory() as session:
        kept = kept_reply(session, command_key(body))
    if kept is None:
        return None
    message = json.loads(kept)
    done = t(ALREADY_DONE)
    message["text"] = f"{done} {message.get('text', '')}"
    if message.get("blocks"):
        note = {"type": "context", "elements": [{"type": "mrkdwn", "text": done}]}
        message["blocks"] = [note, *message["blocks"]][:MAX_BLOCKS]
    return Answer(message, outcome="duplicate")


def command_answer(deps: Deps, body: dict[str, Any], now: datetime) -> Answer | None:
    """Run a slash command as of `now` (when it arrived) and render its answer, an error
    message included; for a duplicate delivery, the first one's answer marked as already
    done (None if none was kept). Never raises.

    The listener runs it on a thread, or a command worker process (bot.workers) with the
    same body.
    """
    deps = replace(deps, clock=lambda: now)
    with use_locale(None):  # a pooled thread: start from the default, not the last caller's
        try:
            reply = command_reply(deps, body)
            if reply is None:  # a duplicate delivery: answer with what the first one did
                return retried_answer(deps, body)
        except Exception as error:
            return Answer(error_message(error).as_message(), outcome=outcome_of(error))
        return Answer(reply.as_message(), reply.files, lang=current_locale())


def deliver_late(done: Future[Answer | None], body: dict[str, Any], respond: Respond,
                 client: WebClient) -> None:
    """Post the answer of a command acknowledged before it was ready to its response_url."""
    try:
        answer = done.result()
        if answer is not None:
            respond(**answer.message)
            if answer.files:
                with use_locale(answer.lang):
                    upload_to_dm(client, body["user_id"], answer.files, respond)
    except Exception:  # Slack unreachable: nothing to tell the user through
        log.exception("could not post the reply to %s", body.get("command"))


def upload_to_dm(client: WebClient, user_id: str, files: tuple[tuple[str, bytes], ...],
                 respond: Respond) -> None:
    """Share a command's files (an export) in the caller's direct message."""
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel, initial_comment=t("Your salesbot export."),
            file_uploads=[{"content": data, "filename": name, "title": name}
                          for name, data in files])
    except SlackApiError as exc:
        log.warning("upload to %s failed: %s", user_id, exc.response.get("error"))
        respond(**error_reply(t("I could not send the files to your DM ({error}); try again.",
                                error=exc.response.get("error"))).as_message())
