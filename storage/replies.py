"""The reply a request got, kept with its claim (storage.repo.claim_once): when Slack
delivers a slash command again after the first delivery was applied (the answer was lost
in a crash or a timeout), the retry is answered with what the command did."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import ProcessedRequest


def keep_reply(session: Session, key: str, reply: str) -> None:
    """Store `reply` with the claim of `key`, made earlier in this transaction."""
    session.execute(update(ProcessedRequest).where(ProcessedRequest.key == key)
                    .values(reply=reply))


def kept_reply(session: Session, key: str) -> str | None:
    """The reply stored with `key`'s claim; None when there is none (or no claim)."""
    return session.scalar(select(ProcessedRequest.reply).where(ProcessedRequest.key == key))
