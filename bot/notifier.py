"""The Slack side of jobs' `Notifier`: render job messages (bot.render) and post them,
paced per channel, honouring Slack's rate limits."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.render import render
from jobs.notify import FileUpload, SendFailed, SendUncertain

log = logging.getLogger(__name__)

# Slack allows about one message per second per channel, with short bursts.
CHANNEL_INTERVAL = 1.0
# Longer Retry-After waits are not slept through: the ticker retries on a later tick.
MAX_RATE_LIMIT_WAIT = 30.0
CALL_TIMEOUT_S = 30.0  # slack_sdk's default: how long a Web API call waits for its answer
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "is_archived", "not_in_channel", "user_not_found", "user_disabled",
    "account_inactive", "cannot_dm_bot", "invalid_blocks", "msg_too_long", "no_text",
    "restricted_action", "invalid_auth", "not_authed", "token_revoked", "missing_scope",
})

Sleep = Callable[[float], None]


def retry_after(headers: dict[str, Any] | None) -> float | None:
    """Seconds from a Retry-After header ({name: [value]} or {name: value})."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return None
    return None


class RateLimitWait(RateLimitErrorRetryHandler):
    """Retry a 429 after its Retry-After, sleeping with an injectable function.

    slack_sdk's own handler sleeps with time.sleep; this one takes `sleep` so tests never
    really wait, and declines waits longer than `max_wait` (the call then fails with the
    429 and the ticker retries the item on a later tick instead of blocking).
    """

    def __init__(self, sleep: Sleep, *, max_retry_count: int = 2,
                 max_wait: float = MAX_RATE_LIMIT_WAIT) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep
        self.max_wait = max_wait

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        wait = retry_after(response.headers if response is not None else None)
        state.next_attempt_requested = True
        log.info("Slack rate limit on %s: waiting %ss", request.url, wait)
        self.sleep(1.0 if wait is None else wait)
        state.increment_current_attempt()


class ChannelPacer:
    """Keep posts to one channel at least `interval` seconds apart."""

    def __init__(self, interval: float = CHANNEL_INTERVAL, *, sleep: Sleep = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.sleep = sleep
        self.clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> None:
        with self._lock:
            now = self.clock()
            ready = self._next.get(channel, now)
            if ready > now:
                self.sleep(ready - now)
            self._next[channel] = max(now, ready) + self.interval


class SlackNotifier:
    """Posts job messages with chat.postMessage, a DM to the user's id until Slack has said
    which channel that DM is (no conversations.open in the way; Slack limits it to ~50 a
    minute, which after a restart held up a morning's prompts for minutes)."""

    def __init__(self, client: WebClient, *, sleep: Sleep = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 channel_interval: float = CHANNEL_INTERVAL,
                 max_rate_limit_wait: float = MAX_RATE_LIMIT_WAIT) -> None:
        self.client = client
        # slack_sdk's default retries a call whose connection was reset or closed, also
        # after the request went out: a post Slack made would be made twice. Only a request
        # that never reached Slack (URLError: refused, unresolved, failed while sending) is
        # retried at once; see _call for the rest.
        self.client.retry_handlers = [
            *(h for h in client.retry_handlers
              if not isinstance(h, RateLimitErrorRetryHandler | ConnectionErrorRetryHandler)),
            ConnectionErrorRetryHandler(error_types=[URLError]),
            RateLimitWait(sleep, max_wait=max_rate_limit_wait),
        ]
        self.pacer = ChannelPacer(channel_interval, sleep=sleep, clock=clock)
        self._dms: dict[str, str | None] = {}  # user id -> DM channel id, None: not known yet
        self._dm_users: dict[str, str] = {}  # DM channel id -> user id
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, token: str, api_url: str | None = None, *,
                timeout: float = CALL_TIMEOUT_S, **kw: Any) -> SlackNotifier:
        """A notifier with its own Web API client (not shared with the Bolt app's)."""
        client = WebClient(token=token, base_url=api_url) if api_url else WebClient(token=token)
        setattr(client, "timeout", timeout)  # noqa: B010 - typed int; urllib takes a float
        return cls(client, **kw)

    def dm_channel(self, user_id: str) -> str:
        """The DM's channel id once Slack has told it, else the user id: chat.postMessage
        posts a message sent to a user id in the app's DM with them."""
        with self._lock:
            return self._dms.setdefault(user_id, None) or user_id

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        with self._lock:
            user = to if to in self._dms else self._dm_users.get(to)
        pace_key = user or to  # a DM is paced as one channel, by user id or channel id alike
        if isinstance(message, FileUpload):
            # files_upload_v2 shares into a channel id, so a DM whose id no post has told yet
            # (a restart between a digest and its chart) is opened first
            channel = self._open_dm(to) if to == user else to
            self.pacer.wait(pace_key)
            response = self._call(
                self.client.files_upload_v2, posting=True, channel=channel, content=message.content,
                filename=message.filename, title=message.title,
                initial_comment=message.comment or None, thread_ts=thread_ts)
            files = response.get("files") or [response.get("file") or {}]
            return str(files[0].get("id", ""))
        reply = render(message)
        self.pacer.wait(pace_key)
        response = self._call(
            self.client.chat_postMessage, posting=True, channel=to, text=reply.text,
            blocks=[b.to_dict() for b in reply.blocks[:50]], thread_ts=thread_ts,
            unfurl_links=False, unfurl_media=False)
        if to == user and response.get("channel"):
            self._remember_dm(to, str(response["channel"]))
        return str(response["ts"])

    def _open_dm(self, user_id: str) -> str:
        """The DM's channel id, from conversations.open when no post has told it yet."""
        with self._lock:
            known = self._dms.get(user_id)
        if known:
            return known
        response = self._call(self.client.conversations_open, users=user_id)
        channel = str(response["channel"]["id"])
        self._remember_dm(user_id, channel)
        return channel

    def _remember_dm(self, user_id: str, channel: str) -> None:
        with self._lock:
            self._dms[user_id] = channel
            self._dm_users[channel] = user_id

    @staticmethod
    def _call(method: Callable[..., Any], *, posting: bool = False, **kwargs: Any) -> Any:
        """Call the Web API; SendFailed when nothing was done, SendUncertain when a post
        (`posting`) went out and no answer came back."""
        try:
            return method(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if exc.response.status_code == 429:
                wait = retry_after(exc.response.headers)
                raise SendFailed(f"rate limited ({error})", retry_after=wait) from exc
            raise SendFailed(error, permanent=error in PERMANENT_ERRORS) from exc
        except URLError as exc:  # refused, unresolved: Slack never had the request
            raise SendFailed(f"could not reach Slack: {exc.reason}") from exc
        except (OSError, HTTPException) as exc:
            # A timeout or a dropped connection while waiting for the answer: the request
            # went out, and Slack may have posted it (it answered a post after 35 s once).
            if posting:
                raise SendUncertain(f"no answer from Slack ({type(exc).__name__}: {exc}); "
                                    "it may have been posted") from exc
            raise SendFailed(f"no answer from Slack: {exc}") from exc
