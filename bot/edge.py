"""What reaches Bolt over HTTP: a signed, readable request from Slack, of a bounded size.

Checked here, before anything is parsed or logged:
- the body is at most MAX_BODY_BYTES (413 otherwise; waitress refuses larger ones before
  reading them too, see bot.server.make_server);
- it is signed with the app's signing secret, less than 5 minutes ago (401 otherwise; the
  body of a refused request is never logged);
- it is UTF-8, its form or JSON parses, and the ids salesbot stores are Slack ids: a
  request from Slack that salesbot cannot read is answered 400, never 500;
- a NUL character typed into a slash command or a form is refused with a message saying
  so (PostgreSQL cannot store it, SQLite would keep it silently).

A Socket Mode envelope's payload goes through the same readability, id and NUL checks
(`check_envelope`, called by bot.socket_mode before Bolt sees it).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

from bot.dispatch import NUL_REFUSED
from commands.core.i18n import t

log = logging.getLogger(__name__)

# Slack's payloads are small: a slash command is ~1 KB (its text is at most 4,000
# characters), a click or a form submission carries one message or view, and salesbot's
# largest (the Home tab) is a few KB. 256 KiB is dozens of times what Slack sends us and
# keeps a flood of junk from costing memory: waitress's default was 1 GB.
MAX_BODY_BYTES = 256 * 1024
MAX_AGE_S = 5 * 60  # a request signed longer ago (or ahead) than this is a replay
MAX_LOGGED_CHARS = 200  # of any header value quoted in a log line
# Slack ids: T0123ABCD, U024BE7LH, C1H9RESGL, V0PKB1ZFV, Ev08MFMKH6; trigger ids add dots.
_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_TRIGGER = re.compile(r"[A-Za-z0-9._-]{1,100}")


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Refused(Exception):
    """A request answered here, without Bolt: an HTTP status and a JSON or text body."""

    def __init__(self, status: str, body: dict[str, Any] | str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def screened(slack: WSGIApp, signing_secret: str | None) -> WSGIApp:
    """`slack` behind the checks above. Without a signing secret (tests driving Bolt with
    verification off) only the size and readability checks apply."""
    verifier = Signature(signing_secret) if signing_secret else None

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return slack(environ, start_response)
        try:
            raw = read_body(environ)
            if verifier is not None:
                check_signature(verifier, environ, raw)
            check_readable(environ, raw)
        except Refused as refusal:
            return _answer(start_response, refusal)
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        return slack(environ, start_response)

    return wsgi


def read_body(environ: dict[str, Any]) -> bytes:
    """The body, refused with 413 when it is (or claims to be) over MAX_BODY_BYTES."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused("400 Bad Request", {"error": "bad Content-Length"}) from None
    if length > MAX_BODY_BYTES:
        log.warning("refused a %d-byte request (the limit is %d)", length, MAX_BODY_BYTES)
        raise Refused("413 Request Entity Too Large",
                      {"error": f"request body over {MAX_BODY_BYTES} bytes"})
    raw: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    return raw


class Signature:
    """Slack's request signature (v0 HMAC-SHA256 over the raw bytes; slack_sdk's verifier
    decodes the body first, which fails on a body that is not UTF-8)."""

    def __init__(self, secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self.secret = secret.encode()
        self.clock = clock

    def is_valid(self, body: bytes, timestamp: str, signature: str) -> bool:
        if abs(self.clock() - int(timestamp)) > MAX_AGE_S:
            return False
        mac = hmac.new(self.secret, f"v0:{timestamp}:".encode() + body, hashlib.sha256)
        return hmac.compare_digest(f"v0={mac.hexdigest()}", signature)


def check_signature(verifier: Signature, environ: dict[str, Any], raw: bytes) -> None:
    """Refuse a request not signed by Slack in the last 5 minutes (401), or whose
    timestamp is not a number (400)."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not timestamp.isascii() or not timestamp.isdigit():
        log.info("refused a request whose X-Slack-Request-Timestamp is not a number: %r",
                 timestamp[:MAX_LOGGED_CHARS])
        raise Refused("400 Bad Request",
                      {"error": "X-Slack-Request-Timestamp is not a number"})
    if not verifier.is_valid(raw, timestamp, signature):
        # Never the body: anyone can send one, of any size, as often as they like.
        log.info("refused a request with a bad or stale signature (%d bytes, timestamp %s, "
                 "from %s)", len(raw), timestamp[:20],
                 str(environ.get("REMOTE_ADDR", "?"))[:64])
        raise Refused("401 Unauthorized", {"error": "invalid request"})


def check_readable(environ: dict[str, Any], raw: bytes) -> None:
    """Refuse (400) a body salesbot cannot read; refuse NUL in typed text with a message."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _unreadable("the body is not UTF-8 text") from None
    if not text:
        return
    if environ.get("CONTENT_TYPE", "").startswith("application/json"):
        body = _json_object(text, "the JSON body")
        if body.get("type") == "event_callback":
            _check_event(body)
        return
    try:
        form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True,
                                             strict_parsing=True).items()}
    except ValueError:
        raise _unreadable("the form does not parse") from None
    if "payload" in form:
        _check_interaction(_json_object(form["payload"], "payload"))
    elif "command" in form:
        _check_command(form)


def check_envelope(kind: str, payload: object) -> None:
    """The checks of `check_readable` for a Socket Mode envelope's payload (a slash
    command's form fields, an interaction, or an event callback): raises Refused."""
    if not isinstance(payload, dict):
        raise _unreadable(f"the {kind} envelope's payload is not a JSON object")
    if kind == "slash_commands":
        _check_command(payload)
    elif kind == "interactive":
        _check_interaction(payload)
    elif kind == "events_api" and payload.get("type") == "event_callback":
        _check_event(payload)


def _unreadable(why: str) -> Refused:
    log.warning("refused a signed request salesbot cannot read: %s", why)
    return Refused("400 Bad Request", {"error": f"unreadable request: {why}"})


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise _unreadable(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise _unreadable(f"{what} is not a JSON object")
    return value


def _slack_id(value: object, what: str, *, required: bool = False,
              pattern: re.Pattern[str] = _ID) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not pattern.fullmatch(value):
        shown = value[:40] if isinstance(value, str) else type(value).__name__
        raise _unreadable(f"{what} is not a Slack id ({shown!r})")


def _check_command(form: dict[str, Any]) -> None:
    _slack_id(form.get("team_id"), "team_id", required=True)
    _slack_id(form.get("user_id"), "user_id", required=True)
    _slack_id(form.get("channel_id"), "channel_id")
    _slack_id(form.get("trigger_id"), "trigger_id", required=True, pattern=_TRIGGER)
    text = form.get("text", "")
    if not isinstance(text, str):
        raise _unreadable("the command's text is not text")
    if "\x00" in text:
        raise Refused("200 OK", {"response_type": "ephemeral",
                                 "text": f":warning: {t(NUL_REFUSED)}"})


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _check_interaction(payload: dict[str, Any]) -> None:
    team, user = _dict(payload.get("team")), _dict(payload.get("user"))
    _slack_id(team.get("id") or user.get("team_id"), "team id", required=True)
    _slack_id(user.get("id"), "user id", required=True)
    _slack_id(_dict(payload.get("channel")).get("id"), "channel id")
    _slack_id(payload.get("trigger_id"), "trigger_id", pattern=_TRIGGER)
    view = _dict(payload.get("view"))
    _slack_id(view.get("id"), "view id")
    if not isinstance(view.get("private_metadata", ""), str):
        raise _unreadable("private_metadata is not text")
    if payload.get("type") == "block_suggestion" and "\x00" in str(payload.get("value", "")):
        raise Refused("200 OK", {"options": []})
    if payload.get("type") == "view_submission":
        errors = {block: t(NUL_REFUSED)[:150]
                  for block, actions in _dict(_dict(view.get("state")).get("values")).items()
                  if any("\x00" in text for text in _strings(actions))}
        if errors:
            raise Refused("200 OK", {"response_action": "errors", "errors": errors})


def _check_event(body: dict[str, Any]) -> None:
    _slack_id(body.get("team_id"), "team_id", required=True)
    _slack_id(body.get("event_id"), "event_id")
    event = _dict(body.get("event"))
    if isinstance(event.get("user"), str | None):
        _slack_id(event.get("user"), "event user")
    if isinstance(event.get("inviter"), str | None):
        _slack_id(event.get("inviter"), "event inviter")


def _strings(value: object) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _answer(start_response: Callable[..., Any], refusal: Refused) -> Iterable[bytes]:
    if isinstance(refusal.body, str):
        data, kind = refusal.body.encode(), "text/plain; charset=utf-8"
    else:
        data, kind = json.dumps(refusal.body).encode(), "application/json"
    start_response(refusal.status, [("Content-Type", kind),
                                    ("Content-Length", str(len(data)))])
    return [data]


class BoundedLines(logging.Filter):
    """Cut a log record's message to `limit` characters: no request, however large, makes
    a log line longer (Bolt logs the body of a request it has no listener for)."""

    def __init__(self, limit: int = 2000) -> None:
        super().__init__()
        self.limit = limit

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > self.limit:
            record.msg = f"{message[:self.limit]}… ({len(message) - self.limit} more characters)"
            record.args = None
        return True


def bound_log_lines(limit: int = 2000) -> None:
    """Keep every line the root logger's handlers write under `limit` characters."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, BoundedLines) for f in handler.filters):
            handler.addFilter(BoundedLines(limit))
