"""First come, first served: request claims, the reply kept with a claim, and rows
created by whoever gets there first.

The reply a request got is kept with its claim: when Slack delivers a slash command again
after the first delivery was applied (the answer was lost in a crash or a timeout), the
retry is answered with what the command did.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ProcessedRequest
from storage.repo._common import CLAIM, T


def add_or_get(session: Session, obj: T, find: Callable[[], T | None]) -> T:
    """Insert `obj`, or return the row a concurrent transaction inserted first.

    For rows first created by whoever gets there first (a workspace, a member, a customer):
    two requests racing on PostgreSQL would otherwise fail one with a unique violation. The
    insert runs in a savepoint, so losing the race rolls back only the insert.
    """
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
        return obj
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found


def claim_once(session: Session, key: str, now: datetime) -> bool:
    """Record `key` as processed; False when it already was (by anyone, any instance).

    The row is written in the caller's transaction, so a command that fails and rolls
    back leaves the key unclaimed and a retry can still succeed.
    """
    dialect = session.get_bind().dialect.name
    stmt = CLAIM["postgresql" if dialect == "postgresql" else "sqlite"]
    return session.execute(stmt, {"key": key, "at": now}).first() is not None


def keep_reply(session: Session, key: str, reply: str) -> None:
    """Store `reply` with the claim of `key`, made earlier in this transaction."""
    session.execute(update(ProcessedRequest).where(ProcessedRequest.key == key)
                    .values(reply=reply))


def kept_reply(session: Session, key: str) -> str | None:
    """The reply stored with `key`'s claim; None when there is none (or no claim)."""
    return session.scalar(select(ProcessedRequest.reply).where(ProcessedRequest.key == key))
