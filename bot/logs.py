"""Log lines for whoever runs salesbot: plain text by default, one JSON object per line
with SALESBOT_LOG_FORMAT=json (for log collectors), never a secret.

- One line per Slack request (`log_request`) and per delivery (`log_delivery`): workspace,
  command or kind, outcome and duration, never the text of a message or a command.
- `RedactSecrets`, on every handler, replaces Slack tokens (xoxb-, xapp-, xoxp-, ...) and
  the configured secrets with "[redacted]" in whatever is logged, tracebacks included: a
  safety net under code that never logs them on purpose.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from bot.settings import Settings

REQUEST_LOGGER = "salesbot.request"
DELIVERY_LOGGER = "salesbot.delivery"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
REDACTED = "[redacted]"
# Slack's token shapes: bot, app-level, user, workspace, refresh and configuration tokens
SLACK_TOKEN = re.compile(r"\bxox[abprse]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")
FIELDS = "salesbot"  # the `extra` key a structured line carries its fields under


class RedactSecrets(logging.Filter):
    """Redact Slack tokens and the given secrets from a record before any handler writes
    it (the message with its arguments, and the traceback)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return SLACK_TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: logging reports it
            return True
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the line's fields
    (workspace, command, outcome, duration_ms ...) and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "process": record.processName,
            "message": record.getMessage(),
        }
        line.update(getattr(record, FIELDS, None) or {})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings, *, stream: IO[str] | None = None,
                      level: int = logging.INFO) -> logging.Handler:
    """Send every log line to `stream` (stderr) as SALESBOT_LOG_FORMAT says, secrets
    redacted; replaces the handler an earlier call installed. Returns the handler."""
    return install_handler(settings.log_format, _secrets(settings), stream=stream,
                           level=level)


def install_handler(log_format: str, secrets: Iterable[str | None], *,
                    stream: IO[str] | None = None, level: int = logging.INFO,
                    text_format: str = TEXT_FORMAT) -> logging.Handler:
    """`configure_logging` from its parts (a command worker process has no Settings)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "salesbot", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.salesbot = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter(text_format))
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def _secrets(settings: Settings) -> list[str | None]:
    known = [settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret,
             settings.metrics_token]
    return [*known, getattr(settings, "slack_client_secret", None)]


def log_request(workspace: str, kind: str, name: str, outcome: str, seconds: float) -> None:
    """The one line about a Slack request, once it is acknowledged."""
    _line(REQUEST_LOGGER, "request", workspace=workspace, kind=kind,
          **{"command" if kind == "command" else "name": name},
          outcome=outcome, duration_ms=round(seconds * 1000, 1))


def log_delivery(workspace: str, kind: str, subject: str, status: str,
                 seconds: float) -> None:
    """The one line about an attempt at a scheduled delivery."""
    _line(DELIVERY_LOGGER, "delivery", workspace=workspace, kind=kind, subject=subject,
          outcome=status, duration_ms=round(seconds * 1000, 1))


def _line(logger: str, what: str, **fields: object) -> None:
    text = " ".join(f"{k}={v}" for k, v in fields.items())
    logging.getLogger(logger).info("%s %s", what, text, extra={FIELDS: fields})
