"""How jobs talk to the chat platform: a small protocol, and what a job asks it to post.

Jobs never import Slack. They describe each message as a frozen dataclass (like commands
return results) and hand it to a `Notifier`; the bot's Slack notifier renders it as Block
Kit, tests use a recording fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Notifier(Protocol):
    """Posts messages for jobs."""

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        """Post `message` to channel `to` (in the thread of `thread_ts`); the message's ts.

        Raises SendFailed when the message was not posted, SendUncertain when whether it
        was is unknown (it was handed over, and no answer came).
        """
        ...

    def dm_channel(self, user_id: str) -> str:
        """Where to post a direct message to a user: the DM channel's id, or an id `send`
        accepts for it until that is known (Slack: the user id). Asked again after a post,
        the DM channel's id."""
        ...


class SendFailed(Exception):
    """A message was not posted. `retry_after` (seconds) comes from a rate limit; a
    `permanent` failure (channel gone, user deactivated) is not retried."""

    def __init__(self, reason: str, *, retry_after: float | None = None,
                 permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


class SendUncertain(Exception):
    """A message was handed to the chat platform and no answer came (a timeout, or the
    connection dropped after the request went out): it may or may not have been posted.
    Sending it again would risk a duplicate in everyone's Slack."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Post:
    """One message a due item sends.

    Args:
        to: a channel id, or a user id when `dm` is set.
        in_thread: reply in the thread of the item's first post (a summary's details).
        reply_to: reply in the thread of this message ts (a late answer under a summary).
        lang: the language it is rendered in: a team channel's (`team.language`), a
            person's (`commands.core.i18n.locale_of`); None: the workspace default.
    """

    to: str
    message: object
    dm: bool = False
    in_thread: bool = False
    reply_to: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class FileUpload:
    """A file to share in a channel (a digest's chart); the notifier uploads it."""

    filename: str
    title: str
    content: bytes
    comment: str = ""
